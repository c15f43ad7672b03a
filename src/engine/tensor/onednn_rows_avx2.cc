// onednn_rows.h's loops built for AVX2 + FMA (this file's compile flags).
#include "engine/tensor/onednn_rows.h"

namespace shoebox::ops::internal {

#if defined(__x86_64__) && defined(__AVX2__) && defined(__FMA__)
namespace {
const OnednnRowKernels kRows = {&RowsToBf16, &QuantizeRows, &FinishRows};
}  // namespace
const OnednnRowKernels* Avx2OnednnRows() { return &kRows; }
#else
const OnednnRowKernels* Avx2OnednnRows() { return nullptr; }
#endif

}  // namespace shoebox::ops::internal
