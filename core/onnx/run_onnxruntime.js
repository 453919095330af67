// ONNX Runtime (the onnxruntime-node package) on an exported model, run by torchprep with node.
//
// node run_onnxruntime.js MANIFEST.json
//
// MANIFEST: {"model", "modules", "inputs": [{"dtype", "shape", "file"}], "outdir"}; "modules" is
// the folder holding node_modules/onnxruntime-node. Inputs are raw little-endian files, fed in
// order to the session's inputs (the exporter drops inputs the graph does not use: those are
// skipped by position). Prints {"outputs": [{"name", "dtype", "shape", "file"}]} or {"error"}.
'use strict';
const fs = require('fs');
const path = require('path');

const arrays = {
  float32: Float32Array, float64: Float64Array, int64: BigInt64Array, int32: Int32Array,
  int16: Int16Array, int8: Int8Array, uint8: Uint8Array, bool: Uint8Array, float16: Uint16Array,
};

function typed(dtype, bytes) {
  const Type = arrays[dtype];
  if (!Type) throw new Error('no ONNX Runtime type for ' + dtype);
  const copy = Buffer.from(bytes); // aligned
  return new Type(copy.buffer, copy.byteOffset, copy.byteLength / Type.BYTES_PER_ELEMENT);
}

async function main() {
  const manifest = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  let ort;
  try {
    ort = require(path.join(manifest.modules, 'node_modules', 'onnxruntime-node'));
  } catch (e) {
    console.log(JSON.stringify({ error: 'onnxruntime-node cannot be loaded: ' + e.message.split('\n')[0] }));
    return 3;
  }
  const session = await ort.InferenceSession.create(manifest.model);
  const feeds = {};
  const byName = manifest.inputs;
  session.inputNames.forEach((name) => {
    const index = Number(name.replace(/^input_/, ''));
    const input = byName[Number.isInteger(index) ? index : 0];
    const data = typed(input.dtype, fs.readFileSync(input.file));
    feeds[name] = new ort.Tensor(input.dtype, data, input.shape);
  });
  const results = await session.run(feeds);
  const outputs = [];
  session.outputNames.forEach((name, k) => {
    const tensor = results[name];
    const file = path.join(manifest.outdir, 'output_' + k + '.bin');
    const data = tensor.data;
    fs.writeFileSync(file, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    outputs.push({ name: name, dtype: tensor.type, shape: tensor.dims.map(Number), file: file });
  });
  console.log(JSON.stringify({ outputs: outputs }));
  return 0;
}

main().then((code) => process.exit(code), (e) => {
  console.log(JSON.stringify({ error: String(e && e.message ? e.message : e).split('\n')[0] }));
  process.exit(1);
});
