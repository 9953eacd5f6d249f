export { exportPolicyOnnx, writePolicyOnnx } from './policy-onnx';
