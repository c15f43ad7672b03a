// Process-wide allocator policy for batch work.
#pragma once

namespace shoebox {

// Keeps large freed blocks (file buffers, decoded pixels) in the heap instead of returning
// them to the kernel after every photo. Fresh pages are expensive on VMs, and unmapping
// from several threads costs TLB shoot-downs: measured here, this took 2-thread indexing
// from 1.5x to 1.85x one thread. Call once at start-up, before threads exist.
void TuneAllocatorForBatchWork();

}  // namespace shoebox
