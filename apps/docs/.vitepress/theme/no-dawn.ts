// Stands in for the Node-only `webgpu` package in the browser bundle: importing it fails,
// as it does where the package is not installed, so createGpuRuntime reports UNSUPPORTED.
throw new Error('webgpu (Dawn) is a Node package; in a browser WebGPU is navigator.gpu.');
