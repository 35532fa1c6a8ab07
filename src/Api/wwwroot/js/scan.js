// Reading a QR code 扫码: from the camera, frame by frame, or from a photo. The pixels are drawn
// to a canvas and read with the vendored jsQR, here in the browser; no image leaves the machine.

// jsQR is published as a UMD script, vendored unchanged (vendor/README.md): imported as a
// module it names itself on the global object rather than exporting.
import './vendor/jsQR-1.4.0.js';

const jsQR = globalThis.jsQR;

// A phone's photo is 12 megapixels; a QR code that fills a third of it still has 4 pixels per
// module at this size, and jsQR reads it in a fraction of the time.
const PhotoMaxSide = 1600;

function pixels(source, width, height, canvas = document.createElement('canvas')) {
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d', { willReadFrequently: true });
  context.drawImage(source, 0, 0, width, height);
  return context.getImageData(0, 0, width, height);
}

function read(image, inversionAttempts) {
  return jsQR(image.data, image.width, image.height, { inversionAttempts })?.data ?? null;
}

/** The text of the QR code in a photo (an image file), or null when none is found in it or it is no image. */
export async function qrInPhoto(file) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    return null;
  }
  try {
    const scale = Math.min(1, PhotoMaxSide / Math.max(bitmap.width, bitmap.height));
    return read(pixels(bitmap, Math.round(bitmap.width * scale), Math.round(bitmap.height * scale)), 'attemptBoth');
  } finally {
    bitmap.close();
  }
}

/**
 * Shows the camera in this video element and reads each frame until a QR code is found, then
 * stops the camera and calls found(text). Returns a function that stops the camera (cancel);
 * throws when no camera can be opened (none, or not allowed).
 */
export async function scanWithCamera(video, found) {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
  const canvas = document.createElement('canvas');
  let stopped = false;
  const stop = () => {
    stopped = true;
    stream.getTracks().forEach(track => track.stop());
    video.srcObject = null;
  };
  video.srcObject = stream;
  await video.play();
  const frame = () => {
    if (stopped) {
      return;
    }
    const text = video.videoWidth ? read(pixels(video, video.videoWidth, video.videoHeight, canvas), 'dontInvert') : null;
    if (text === null) {
      requestAnimationFrame(frame);
      return;
    }
    stop();
    found(text);
  };
  requestAnimationFrame(frame);
  return stop;
}
