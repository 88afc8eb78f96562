// Evaluation pages: progress bars (CSP forbids style attributes, so widths are set here), a citation counter, and
// the score sheet's workspace: the conflict step, the live weighted total, Enter to the next field, shortcuts.
(function () {
  "use strict";
  document.querySelectorAll("[data-progress]").forEach(function (bar) {
    var value = Math.max(0, Math.min(100, parseInt(bar.getAttribute("data-progress"), 10) || 0));
    bar.style.width = value + "%";
  });
  // A button may ask for confirmation of its own (the form's data-confirm covers the whole form).
  document.querySelectorAll("button[data-confirm]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      if (!window.confirm(button.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
  var toPersian = function (text) {
    return String(text).replace(/[0-9]/g, function (d) { return "۰۱۲۳۴۵۶۷۸۹"[d]; });
  };
  document.querySelectorAll("[data-count-for]").forEach(function (counter) {
    var field = document.getElementById(counter.getAttribute("data-count-for"));
    var limit = parseInt(counter.getAttribute("data-limit"), 10);
    if (!field) { return; }
    var update = function () {
      counter.textContent = toPersian(field.value.length) + " / " + toPersian(limit);
      counter.classList.toggle("text-danger", field.value.length > limit);
    };
    field.addEventListener("input", update);
    update();
  });

  // ---- The score sheet ------------------------------------------------------------------------------------
  var sheetForm = document.querySelector("[data-sheet-form]");
  var persianUi = (document.documentElement.getAttribute("lang") || "fa").slice(0, 2) === "fa";
  var inputs = sheetForm ? Array.prototype.slice.call(sheetForm.querySelectorAll(".score-input")) : [];
  var computedLines = sheetForm ? Array.prototype.slice.call(sheetForm.querySelectorAll("[data-computed-points]")) : [];

  // A typed value as the server reads it (awards/evaluation/forms.ScoreField): Persian, Arabic-Indic or Latin
  // digits, «٫», "/" or "." as the decimal point. Returns {empty}, {invalid} or {n, d}: the exact fraction n/d.
  var latinDigits = function (text) {
    return text.replace(/[\u06F0-\u06F9]/g, function (c) { return String(c.charCodeAt(0) - 0x06F0); })
      .replace(/[\u0660-\u0669]/g, function (c) { return String(c.charCodeAt(0) - 0x0660); });
  };
  var fraction = function (text) {
    var match = /^(-?)([0-9]+)(?:\.([0-9]+))?$/.exec(text);
    if (!match) { return null; }
    var decimals = match[3] || "";
    var n = BigInt(match[2] + decimals);
    return { n: match[1] ? -n : n, d: BigInt(10) ** BigInt(decimals.length) };
  };
  var parseScore = function (raw) {
    var text = latinDigits(raw.trim()).replace(/\u2212/g, "-").replace(/ /g, "")
      .replace(/\u066B/g, ".").replace(/\//g, ".");
    if (text === "") { return { empty: true }; }
    var value = fraction(text);
    return value ? value : { invalid: true };
  };
  // In range (0..max) and on a half step, as awards/evaluation/services.check_value asks.
  var acceptable = function (r, m) {
    return r.n >= 0n && r.n * m.d <= m.n * r.d && (2n * r.n) % r.d === 0n;
  };
  // S = 100 * sum(w * r / m) / sum(w), exactly (BigInt fractions), rounded half up to two decimals like
  // awards/evaluation/scoring.round2, shown like the server's show_number: 72.5, never 72.50.
  var show = function (cents) {
    var whole = cents / 100n, rest = cents % 100n;
    var text = whole.toString();
    if (rest !== 0n) { text += "." + (rest < 10n ? "0" : "") + rest.toString().replace(/0$/, ""); }
    return persianUi ? toPersian(text.replace(".", "\u066B")) : text;
  };
  var lastGood = new Map();
  var totalValue = document.querySelector("[data-total-value]");
  var updateTotal = function () {
    var num = 0n, den = 1n, wn = 0n, wd = 1n;
    inputs.forEach(function (input) {
      var m = fraction(input.getAttribute("data-max")), w = fraction(input.getAttribute("data-weight"));
      var hint = document.getElementById(input.id + "-range");
      var r = parseScore(input.value);
      var bad = !!r.invalid || (!r.empty && !acceptable(r, m));
      if (r.empty) { lastGood.set(input, { n: 0n, d: 1n }); } else if (!bad) { lastGood.set(input, r); }
      if (hint) {
        hint.hidden = !bad;
        hint.textContent = bad ? input.getAttribute(r.invalid ? "data-parse-hint" : "data-range-hint") : "";
      }
      var used = lastGood.get(input) || { n: 0n, d: 1n };  // an out-of-range value leaves the total where it was
      var tn = w.n * used.n * m.d, td = w.d * used.d * m.n;
      num = num * td + tn * den;
      den = den * td;
      wn = wn * w.d + w.n * wd;
      wd = wd * w.d;
    });
    // Criteria computed from a verified figure: fixed points the member does not type.
    computedLines.forEach(function (line) {
      var m = fraction(line.getAttribute("data-max")), w = fraction(line.getAttribute("data-weight"));
      var used = fraction(line.getAttribute("data-computed-points")) || { n: 0n, d: 1n };
      var tn = w.n * used.n * m.d, td = w.d * used.d * m.n;
      num = num * td + tn * den;
      den = den * td;
      wn = wn * w.d + w.n * wd;
      wd = wd * w.d;
    });
    if (!totalValue || wn === 0n) { return; }
    var a = 100n * num * wd, b = den * wn;  // S = a / b
    if (b < 0n) { a = -a; b = -b; }
    totalValue.textContent = show((200n * a + b) / (2n * b));
  };
  inputs.forEach(function (input, index) {
    input.addEventListener("input", updateTotal);
    // Enter moves to the next criterion (the comment after the last one) instead of submitting the sheet.
    input.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" || event.isComposing) { return; }
      event.preventDefault();
      var next = inputs[index + 1] || sheetForm.querySelector("textarea");
      if (next) { next.focus(); if (next.select) { next.select(); } }
    });
  });
  if (inputs.length) { updateTotal(); }

  var firstToFill = function () {
    return inputs.filter(function (i) { return i.classList.contains("is-invalid"); })[0]
      || inputs.filter(function (i) { return i.value.trim() === ""; })[0];
  };
  var step = document.querySelector("[data-conflict-step]");
  var card = document.querySelector("[data-sheet-card]");
  if (step && card && sheetForm) {
    // With scripts, the sheet waits for the answer to the conflict question; without, both are shown.
    var answerNo = function () {
      step.classList.add("is-answered");
      card.hidden = false;
      var target = firstToFill() || inputs[0];
      if (target) { target.focus(); }
    };
    var no = step.querySelector("[data-conflict-no]");
    var resumed = sheetForm.querySelector(".draft-note") || sheetForm.classList.contains("restored-form");
    if (window.location.hash === no.getAttribute("href") || resumed) {
      // «No» was followed before this script ran (a slow page), or the member's own typing came back (a draft
      // or a form kept across an expired session): they had chosen to score, so the sheet shows at once.
      answerNo();
    } else {
      card.hidden = true;
    }
    no.addEventListener("click", function (event) { event.preventDefault(); answerNo(); });
  } else if (sheetForm) {
    var target = firstToFill();
    if (target) { target.focus({ preventScroll: false }); }
  }

  // Previous and next nominee: the links carry accesskey p and n; on a Persian keyboard layout the same physical
  // keys (Alt+P, Alt+N) give other letters, so they are caught here by their key code.
  document.addEventListener("keydown", function (event) {
    if (!event.altKey || event.ctrlKey || event.metaKey) { return; }
    var which = { KeyN: "next", KeyP: "previous" }[event.code];
    if (!which || event.key.toLowerCase() === which.charAt(0)) { return; }  // a Latin layout: accesskey does it
    var link = document.querySelector('[data-sheet-nav="' + which + '"]');
    if (link) { event.preventDefault(); window.location.assign(link.href); }
  });
})();
