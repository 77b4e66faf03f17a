// Check-in desk: read badge QR codes with the phone camera and post them to the portal.
// Uses the browser's own BarcodeDetector (Chrome on Android); where it is missing, the page
// says so and the name search and the badge-code field do the job without any script.
(function () {
  "use strict";
  const root = document.querySelector("[data-checkin-scanner]");
  if (!root) return;
  const status = root.querySelector("[data-scanner-status]");
  const start = root.querySelector("[data-scanner-start]");
  const video = root.querySelector("video");
  // The contacts page reuses this scanner with its own endpoint and result box.
  const result = document.getElementById(root.dataset.resultTarget || "checkin-result");
  const REPEAT_MS = 4000; // the same badge held in front of the camera is posted once

  if (!("BarcodeDetector" in window) || !(navigator.mediaDevices && navigator.mediaDevices.getUserMedia)) {
    status.textContent = root.dataset.msgUnsupported;
    return;
  }
  start.hidden = false;

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["x-csrftoken"] || "";
    } catch (error) {
      return "";
    }
  }

  let lastValue = "";
  let lastAt = 0;
  let busy = false;

  async function submit(value) {
    const now = Date.now();
    if (value === lastValue && now - lastAt < REPEAT_MS) return;
    lastValue = value;
    lastAt = now;
    const body = new FormData();
    body.append("token", value);
    const response = await fetch(root.dataset.endpoint, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "HX-Request": "true" },
    });
    result.innerHTML = await response.text();
    if (navigator.vibrate) navigator.vibrate(120);
  }

  start.addEventListener("click", async function () {
    let detector;
    try {
      detector = new BarcodeDetector({ formats: ["qr_code"] });
      video.srcObject = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
      await video.play();
    } catch (error) {
      status.textContent = root.dataset.msgDenied;
      return;
    }
    video.hidden = false;
    start.hidden = true;
    status.textContent = root.dataset.msgScanning;

    async function scan() {
      if (!busy) {
        busy = true;
        try {
          const codes = await detector.detect(video);
          if (codes.length) await submit(codes[0].rawValue);
        } catch (error) {
          // A frame that could not be read, or a network hiccup: keep scanning.
        }
        busy = false;
      }
      window.setTimeout(scan, 250);
    }
    scan();
  });
})();
