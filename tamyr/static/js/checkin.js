// Check-in at the door: scan badges with the phone's camera, or type the code.
// The page works without this script (the form posts and the page answers); with it, codes are checked with
// fetch() so the camera keeps running. Decoding uses the browser's BarcodeDetector when there is one, else jsQR
// (loaded only then) on video frames drawn to a canvas. Texts come from data- attributes (no inline scripts: CSP).
(function () {
  "use strict";

  var REPEAT_MS = 3000; // the same code is ignored for 3 s after it was last seen
  var SCAN_EVERY_MS = 150;
  var MAX_WIDTH = 640; // frames are scaled down before jsQR reads them

  document.addEventListener("DOMContentLoaded", function () {
    var root = document.querySelector("[data-checkin]");
    if (!root || !window.fetch || !window.FormData) { return; }
    var form = root.querySelector("[data-checkin-form]");
    var input = form.querySelector("input[name=code]");
    var result = root.querySelector("[data-result]");
    var countIn = root.querySelector("[data-count-checked-in]");
    var countConfirmed = root.querySelector("[data-count-confirmed]");
    var camera = root.querySelector("[data-camera]");
    var toggle = root.querySelector("[data-camera-toggle]");
    var video = root.querySelector("[data-camera-video]");
    var status = root.querySelector("[data-camera-status]");

    var stream = null;
    var detector = null;
    var canvas = null;
    var context = null;
    var running = false;
    var busy = false;
    var lastCode = "";
    var lastSeen = 0;

    function text(name) { return root.getAttribute("data-text-" + name) || ""; }

    // tone: "ok" (welcome), "notice" (already checked in: nothing is wrong) or "error" (refused)
    function show(tone, message, detail) {
      result.hidden = false;
      result.className = "checkin-result is-" + tone;
      result.textContent = "";
      var main = document.createElement("span");
      main.textContent = message;
      result.appendChild(main);
      if (detail) {
        var small = document.createElement("small");
        small.textContent = detail;
        result.appendChild(small);
      }
      if (navigator.vibrate) { navigator.vibrate(tone === "error" ? [60, 60, 60] : 80); }
    }

    function check(code) {
      var data = new FormData(form);
      data.set("code", code);
      busy = true;
      return fetch(form.getAttribute("action") || window.location.href, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "Accept": "application/json", "X-CSRFToken": String(data.get("csrfmiddlewaretoken") || "") }
      }).then(function (response) {
        return response.json();
      }).then(function (answer) {
        show(answer.tone || (answer.ok ? "ok" : "error"), answer.message, answer.category);
        if (typeof answer.checked_in === "number") {
          countIn.textContent = answer.checked_in;
          countConfirmed.textContent = answer.confirmed;
        }
      }).catch(function () {
        show("error", text("offline"));
      }).then(function () {
        busy = false;
      });
    }

    // typed codes: checked without reloading the page, so a running camera keeps running
    form.addEventListener("submit", function (event) {
      var code = input.value.trim();
      if (!code) { return; } // the server answers an empty form with a message
      event.preventDefault();
      check(code).then(function () {
        input.value = "";
        input.focus();
      });
    });

    // --- the camera ------------------------------------------------------------------------------------------

    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { return; } // e.g. not on HTTPS
    camera.hidden = false;

    function loadJsQR() {
      if (window.jsQR) { return Promise.resolve(); }
      return new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = root.getAttribute("data-jsqr-src");
        script.onload = resolve;
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }

    function prepareDecoder() {
      if ("BarcodeDetector" in window) {
        return window.BarcodeDetector.getSupportedFormats().then(function (formats) {
          if (formats.indexOf("qr_code") !== -1) {
            detector = new window.BarcodeDetector({ formats: ["qr_code"] });
            return;
          }
          return loadJsQR();
        }).catch(loadJsQR);
      }
      return loadJsQR();
    }

    function decode() {
      if (detector) {
        return detector.detect(video).then(function (codes) { return codes.length ? codes[0].rawValue : ""; });
      }
      var width = video.videoWidth;
      var height = video.videoHeight;
      if (!width || !height || !window.jsQR) { return Promise.resolve(""); }
      var scale = Math.min(1, MAX_WIDTH / width);
      width = Math.round(width * scale);
      height = Math.round(height * scale);
      if (!canvas) {
        canvas = document.createElement("canvas");
        context = canvas.getContext("2d", { willReadFrequently: true });
      }
      canvas.width = width;
      canvas.height = height;
      context.drawImage(video, 0, 0, width, height);
      var found = window.jsQR(context.getImageData(0, 0, width, height).data, width, height, {
        inversionAttempts: "dontInvert"
      });
      return Promise.resolve(found ? found.data : "");
    }

    function next() {
      if (running) { window.setTimeout(function () { window.requestAnimationFrame(tick); }, SCAN_EVERY_MS); }
    }

    function tick() {
      if (!running) { return; }
      if (busy || video.readyState < 2) { next(); return; }
      decode().then(function (raw) {
        var code = (raw || "").replace(/\s+/g, "").toUpperCase();
        if (!code) { return; }
        var now = Date.now();
        var repeat = code === lastCode && now - lastSeen < REPEAT_MS;
        lastCode = code;
        lastSeen = now;
        if (!repeat) { return check(code); }
      }).catch(function () { /* a frame that could not be read; try the next one */ }).then(next);
    }

    function start() {
      toggle.disabled = true;
      prepareDecoder().then(function () {
        return navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
      }).then(function (media) {
        stream = media;
        video.srcObject = media;
        video.hidden = false;
        return video.play();
      }).then(function () {
        running = true;
        // on a phone the camera takes the top of the screen, with the answer right under it
        var phone = window.matchMedia && window.matchMedia("(max-width: 40rem)").matches;
        camera.scrollIntoView({ block: phone ? "start" : "nearest", behavior: "smooth" });
        toggle.textContent = text("stop");
        status.textContent = text("scanning");
        next();
      }).catch(function (error) {
        stop();
        status.textContent = error && error.name === "NotAllowedError" ? text("denied") : text("no-camera");
      }).then(function () {
        toggle.disabled = false;
      });
    }

    function stop() {
      running = false;
      if (stream) {
        stream.getTracks().forEach(function (track) { track.stop(); });
        stream = null;
      }
      video.hidden = true;
      video.srcObject = null;
      toggle.textContent = text("start");
      status.textContent = "";
    }

    toggle.addEventListener("click", function () {
      if (running || stream) { stop(); } else { start(); }
    });
    document.addEventListener("visibilitychange", function () {
      if (document.hidden && running) { stop(); }
    });
  });
})();
