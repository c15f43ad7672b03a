// ONNX Runtime peer (onnxruntime-node's CPU library): embeddings/s at batch 1 and 32.
// usage: node ort_embed.js DIR_WITH_vision.onnx_text.onnx IMAGE_SIZE TEXT_LEN THREADS SECONDS
const ort = require('onnxruntime-node');

async function rate(session, feed, batch, seconds) {
  await session.run(feed(batch));  // warm-up
  let n = 0;
  const t0 = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - t0) / 1e9;
  while (n === 0 || elapsed() < seconds) {
    await session.run(feed(batch));
    n += batch;
  }
  return n / elapsed();
}

(async () => {
  const [dir, size, len, threads, seconds] = process.argv.slice(2);
  const s = Number(size), t = Number(len);
  const opts = {intraOpNumThreads: Number(threads), interOpNumThreads: 1, graphOptimizationLevel: 'all',
                executionMode: 'sequential'};
  const vision = await ort.InferenceSession.create(`${dir}/vision.onnx`, opts);
  const text = await ort.InferenceSession.create(`${dir}/text.onnx`, opts);
  const pixels = (b) => ({x: new ort.Tensor('float32', Float32Array.from({length: b * 3 * s * s}, () => Math.random() - 0.5), [b, 3, s, s])});
  const ids = (b) => {
    const a = new BigInt64Array(b * t).fill(BigInt(t === 77 ? 49407 : 1));
    for (let i = 0; i < b; i++) for (let j = 0; j < 10; j++) a[i * t + j] = BigInt(100 + ((i * 7 + j) % 900));
    return {x: new ort.Tensor('int64', a, [b, t])};
  };
  const out = {peer: 'onnxruntime', version: ort.env.versions.common, threads: Number(threads),
               image_per_s_b1: await rate(vision, pixels, 1, Number(seconds)),
               image_per_s_b32: await rate(vision, pixels, 32, Number(seconds)),
               text_per_s_b1: await rate(text, ids, 1, Number(seconds)),
               text_per_s_b32: await rate(text, ids, 32, Number(seconds))};
  console.log(JSON.stringify(out));
})();
