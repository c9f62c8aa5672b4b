// "Try the frame with your own photo": lays the campaign's frame over a photo the person picks,
// entirely in this browser. The photo is read from the device (createImageBitmap, or an <img>
// on a blob: URL), drawn on a canvas and saved from it: it is never sent anywhere, and nothing
// is stored. The only files this script loads are the kit's own frame PNGs, named in the page.
// Without JavaScript the section still explains the steps and offers the frame PNGs.
"use strict";

const MAX_ZOOM = 4;
const KEY_STEP = 0.04; // arrow keys move the photo by 4% of the picture's width (Shift: 20%)
const JPEG_QUALITIES = [0.92, 0.85, 0.75, 0.65, 0.5, 0.4];

function formatBytes(bytes) {
  if (bytes < 1000000) return `${Math.round(bytes / 1000)} KB`;
  return `${(bytes / 1000000).toFixed(1)} MB`;
}

// Decode a picked file upright: browsers apply the EXIF orientation for both paths.
async function decodePhoto(file) {
  if (typeof createImageBitmap === "function") {
    try {
      return await createImageBitmap(file, { imageOrientation: "from-image" });
    } catch {
      // Older engines reject the option or the format: try an <img> below.
    }
  }
  const url = URL.createObjectURL(file);
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    return img;
  } finally {
    URL.revokeObjectURL(url);
  }
}

function toBlob(canvas, type, quality) {
  return new Promise((resolve) => canvas.toBlob(resolve, type, quality));
}

// The smallest encoding the platform accepts that fits its byte limit. The picture is opaque
// everywhere (the photo fills the whole square), so JPEG loses nothing the platform shows.
async function encodeWithin(canvas, formats, limit) {
  const tries = [];
  if (formats.includes("png")) tries.push(await toBlob(canvas, "image/png"));
  if (formats.includes("jpg")) tries.push(await toBlob(canvas, "image/jpeg", JPEG_QUALITIES[0]));
  const fits = tries.filter((b) => b && b.size <= limit).sort((a, b) => a.size - b.size);
  if (fits.length) return fits[0];
  if (!formats.includes("jpg")) return null;
  for (const quality of JPEG_QUALITIES.slice(1)) {
    const blob = await toBlob(canvas, "image/jpeg", quality);
    if (blob && blob.size <= limit) return blob;
  }
  return null;
}

function setUpFrameTool(tool) {
  const input = tool.querySelector("#frame-photo");
  const select = tool.querySelector("#frame-platform");
  const zoomInput = tool.querySelector("#frame-zoom");
  const reset = tool.querySelector(".frame-reset");
  const view = tool.querySelector(".frame-view");
  const canvas = tool.querySelector(".frame-canvas");
  const status = tool.querySelector(".frame-status");
  const download = tool.querySelector(".frame-download");
  const context = canvas && canvas.getContext("2d");
  if (!input || !select || !zoomInput || !reset || !view || !context || !status || !download) {
    return;
  }
  const text = tool.dataset;
  const frames = new Map(); // href -> Promise of a decoded <img>
  let frame = null;
  let photo = null;
  let zoom = 1;
  let centre = { x: 0, y: 0 }; // the photo pixel shown at the picture's centre
  let announceTimer = 0;

  const option = () => select.options[select.selectedIndex];

  function say(message) {
    status.textContent = message;
  }

  function announceZoom() {
    clearTimeout(announceTimer);
    // Wait for a pause, so a wheel or pinch gesture is announced once, not fifty times.
    announceTimer = setTimeout(() => {
      say(text.zoom.replace("{percent}", Math.round(zoom * 100)));
    }, 250);
  }

  // Picture pixels per photo pixel at zoom 1: the photo just covers the whole picture.
  function coverScale() {
    return Math.max(canvas.width / photo.width, canvas.height / photo.height);
  }

  function clamp() {
    if (!photo) return;
    zoom = Math.min(MAX_ZOOM, Math.max(1, zoom));
    const scale = coverScale() * zoom;
    const halfW = canvas.width / scale / 2;
    const halfH = canvas.height / scale / 2;
    centre.x = Math.min(photo.width - halfW, Math.max(halfW, centre.x));
    centre.y = Math.min(photo.height - halfH, Math.max(halfH, centre.y));
  }

  function draw() {
    const { width, height } = canvas;
    context.clearRect(0, 0, width, height);
    // Opaque underneath everything: a photo with transparency still gives an opaque picture.
    context.fillStyle = photo ? "#ffffff" : "#c9d0d8";
    context.fillRect(0, 0, width, height);
    if (photo) {
      clamp();
      const scale = coverScale() * zoom;
      const w = width / scale;
      const h = height / scale;
      context.imageSmoothingQuality = "high";
      context.drawImage(photo, centre.x - w / 2, centre.y - h / 2, w, h, 0, 0, width, height);
    }
    if (frame) context.drawImage(frame, 0, 0, width, height);
    zoomInput.value = String(Math.round(zoom * 100));
  }

  function loadFrame(href) {
    if (!frames.has(href)) {
      const img = new Image();
      img.src = href;
      frames.set(href, img.decode().then(() => img));
    }
    return frames.get(href);
  }

  async function choosePlatform() {
    const chosen = option();
    canvas.width = Number(chosen.dataset.width);
    canvas.height = Number(chosen.dataset.height);
    view.className = `frame-view shape-${chosen.dataset.shape}`;
    const href = chosen.dataset.frame;
    frame = null;
    draw();
    try {
      const img = await loadFrame(href);
      if (option().dataset.frame === href) {
        frame = img;
        draw();
      }
    } catch {
      frames.delete(href); // try again on the next choice
    }
  }

  function resetPosition(announce = true) {
    if (!photo) return;
    zoom = 1;
    centre = { x: photo.width / 2, y: photo.height / 2 };
    draw();
    if (announce) announceZoom();
  }

  function setZoom(value, announce) {
    if (!photo) return;
    zoom = value;
    draw();
    if (announce) announceZoom();
  }

  // Move the photo by (dx, dy) picture pixels: it follows the pointer or the arrow key.
  function move(dx, dy) {
    if (!photo) return;
    const scale = coverScale() * zoom;
    centre.x -= dx / scale;
    centre.y -= dy / scale;
    draw();
  }

  async function usePhoto(file) {
    if (!file) return;
    let decoded;
    try {
      decoded = await decodePhoto(file);
    } catch {
      say(text.notImage);
      return;
    }
    if (photo && typeof photo.close === "function") photo.close();
    photo = decoded;
    for (const control of [zoomInput, reset, download]) control.disabled = false;
    resetPosition(false);
    clearTimeout(announceTimer);
    say(text.loaded);
    view.focus();
  }

  async function save() {
    if (!photo) {
      say(text.noPhoto);
      return;
    }
    const chosen = option();
    const formats = chosen.dataset.formats.split(" ");
    const limit = Number(chosen.dataset.maxBytes) || Infinity;
    let blob;
    try {
      blob = await encodeWithin(canvas, formats, limit);
    } catch {
      // A page opened from a file (file://) may not read back its own canvas in some browsers.
      say(text.cannotSave);
      return;
    }
    if (!blob) {
      say(text.tooBig.replace("{limit}", formatBytes(limit)));
      return;
    }
    const ext = blob.type === "image/png" ? "png" : "jpg";
    const name = `profile-${chosen.value}-${canvas.width}x${canvas.height}.${ext}`;
    const url = URL.createObjectURL(blob);
    const link = document.createElement("a");
    link.href = url;
    link.download = name;
    link.hidden = true;
    document.body.append(link);
    link.click();
    link.remove();
    // Revoking at once can cancel the download in some browsers; the blob is only memory.
    setTimeout(() => URL.revokeObjectURL(url), 60000);
    say(text.saved.replace("{file}", name));
  }

  // --- wiring --------------------------------------------------------------

  input.addEventListener("change", () => usePhoto(input.files[0]));
  select.addEventListener("change", choosePlatform);
  zoomInput.addEventListener("input", () => setZoom(Number(zoomInput.value) / 100, false));
  reset.addEventListener("click", () => resetPosition());
  download.addEventListener("click", save);

  tool.addEventListener("dragover", (event) => {
    event.preventDefault();
    tool.classList.add("frame-dragging");
  });
  tool.addEventListener("dragleave", (event) => {
    // Leaving for one of the tool's own children is not leaving the tool.
    if (!tool.contains(event.relatedTarget)) tool.classList.remove("frame-dragging");
  });
  tool.addEventListener("drop", (event) => {
    event.preventDefault();
    tool.classList.remove("frame-dragging");
    const files = event.dataTransfer && event.dataTransfer.files;
    if (files && files.length) usePhoto(files[0]);
  });

  view.addEventListener("keydown", (event) => {
    if (!photo || event.altKey || event.ctrlKey || event.metaKey) return;
    const step = canvas.width * (event.shiftKey ? 5 * KEY_STEP : KEY_STEP);
    const keys = {
      ArrowLeft: () => move(-step, 0),
      ArrowRight: () => move(step, 0),
      ArrowUp: () => move(0, -step),
      ArrowDown: () => move(0, step),
      "+": () => setZoom(zoom * 1.1, true),
      "=": () => setZoom(zoom * 1.1, true),
      "-": () => setZoom(zoom / 1.1, true),
      _: () => setZoom(zoom / 1.1, true),
      0: () => resetPosition(),
      Home: () => resetPosition(),
    };
    const action = keys[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  });

  view.addEventListener(
    "wheel",
    (event) => {
      if (!photo) return;
      event.preventDefault();
      setZoom(zoom * Math.exp(-event.deltaY * 0.0015), true);
    },
    { passive: false },
  );

  // One pointer moves the photo; two (a pinch) zoom it.
  const pointers = new Map();
  let pinch = 0;
  const spread = () => {
    const [a, b] = [...pointers.values()];
    return Math.hypot(a.x - b.x, a.y - b.y);
  };
  view.addEventListener("pointerdown", (event) => {
    if (!photo) return;
    view.setPointerCapture(event.pointerId);
    pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
    if (pointers.size === 2) pinch = spread();
  });
  view.addEventListener("pointermove", (event) => {
    const last = pointers.get(event.pointerId);
    if (!last) return;
    const ratio = canvas.width / view.getBoundingClientRect().width;
    const dx = (event.clientX - last.x) * ratio;
    const dy = (event.clientY - last.y) * ratio;
    pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
    if (pointers.size === 1) {
      move(dx, dy);
    } else if (pointers.size === 2 && pinch > 0) {
      const now = spread();
      setZoom(zoom * (now / pinch), true);
      pinch = now;
    }
  });
  const release = (event) => {
    pointers.delete(event.pointerId);
    pinch = pointers.size === 2 ? spread() : 0;
  };
  view.addEventListener("pointerup", release);
  view.addEventListener("pointercancel", release);

  tool.hidden = false;
  choosePlatform();
}

document.addEventListener("DOMContentLoaded", () => {
  const tool = document.querySelector(".frame-tool");
  const canvas = document.createElement("canvas");
  // Only where the browser can draw and save a picture; otherwise the manual steps remain.
  if (tool && canvas.getContext && canvas.toBlob && window.URL && URL.createObjectURL) {
    setUpFrameTool(tool);
  }
});
