// The document view: draws the runs built by runs.py, and sends selections, clicks and codings back.
//
// Offsets come only from the runs' data (start, end, text): a DOM point inside a run's text node is
// run.start + the code points before it; any other point maps to the start of the first run after it.
// User text is only ever set with textContent or as a data attribute, never parsed as HTML.

const PICKER_ROWS = 12;

function codePoints(text) {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0xd800 || unit > 0xdbff || i + 1 >= text.length) count++;
    else { count++; i++; }
  }
  return count;
}

function utf16Index(text, points) {
  let i = 0;
  for (let n = 0; n < points && i < text.length; n++) {
    const unit = text.charCodeAt(i);
    i += unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length ? 2 : 1;
  }
  return i;
}

function fold(text) {
  return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
}

function rgba(hex, alpha) {
  const value = /^#[0-9a-fA-F]{6}$/.test(hex) ? hex : "#888888";
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(value.slice(i, i + 2), 16));
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// ------------------------------------------------------------------------------------------------- drawing
function runStyle(run, codings, colours) {
  // one style text per run: several layered gradients, one underline per coding at its lane's depth
  const layers = [], sizes = [], positions = [];
  let background = null;
  for (const index of run[3]) {
    const [, code, lane, , , , status] = codings[index];
    const colour = colours[code] || "#888888";
    const strong = rgba(colour, 0.95);
    layers.push(status === "suggested"
      ? `repeating-linear-gradient(90deg, ${strong} 0 5px, transparent 5px 8px)`
      : `linear-gradient(${strong}, ${strong})`);
    sizes.push("100% 2px");
    positions.push(`0 calc(100% - ${lane * 3}px)`);
    if (background === null && status !== "suggested") background = rgba(colour, 0.16);
  }
  return `background-image: ${layers.join(", ")}; background-size: ${sizes.join(", ")}; `
    + `background-position: ${positions.join(", ")};` + (background ? ` background-color: ${background};` : "");
}

function draw(state) {
  const { data, docEl } = state;
  const view = data.view;
  const colours = state.colours;
  const active = new Set(data.active || []);
  const scrollTop = state.scroller.scrollTop;
  state.runs = [];
  state.runEls = [];
  state.observer.disconnect();
  state.unstyled = new Map();
  const fragment = document.createDocumentFragment();
  let next = 0; // codings are sorted by start: the margin of a block lists those starting in it
  for (const [blockStart, blockEnd, runs] of view.blocks) {
    const block = element("div", "qc-block");
    block.dataset.s = blockStart;
    const text = element("div", "qc-text");
    const margin = element("div", "qc-margin");
    let lanes = 0;
    const styled = [];
    for (const run of runs) {
      const span = element("span", "qc-run", run[2]);
      span.dataset.s = run[0];
      span.dataset.e = run[1];
      if (run[4] === "l") span.classList.add("qc-label");
      else if (run[4] === "h") span.classList.add("qc-heading");
      else if (run[4] === "s") span.classList.add("qc-sep");
      if (run[5]) {
        span.dataset.note = run[5];
        span.classList.add(run[4] === "l" ? "qc-note-after" : "qc-note-before");
      }
      if (run[3].length) {
        span.classList.add("qc-coded");
        span.dataset.codings = run[3].map((i) => view.codings[i][0]).join(",");
        styled.push([span, run]);
        for (const i of run[3]) {
          lanes = Math.max(lanes, view.codings[i][2] + 1);
          if (active.has(view.codings[i][0])) span.classList.add("qc-active");
        }
      }
      text.appendChild(span);
      state.runs.push(run);
      state.runEls.push(span);
    }
    block.style.setProperty("--qc-lanes", String(lanes));
    while (next < view.codings.length && view.codings[next][7] < blockEnd) {
      if (view.codings[next][7] >= blockStart) margin.appendChild(chip(state, view.codings[next], active));
      next++;
    }
    block.appendChild(text);
    block.appendChild(margin);
    fragment.appendChild(block);
    if (styled.length) {
      state.unstyled.set(block, styled);
      state.observer.observe(block);
    }
  }
  docEl.replaceChildren(fragment);
  if (scrollTop) state.scroller.scrollTop = scrollTop;
}

function styleBlocks(state, entries) {
  // coded runs get their underlines when their block comes near the screen: styling all 4,000 coded runs of a
  // 300,000-character transcript at once took a third of the drawing time
  for (const entry of entries) {
    if (!entry.isIntersecting) continue;
    const styled = state.unstyled.get(entry.target);
    if (styled) for (const [span, run] of styled) span.style.cssText = runStyle(run, state.data.view.codings, state.colours);
    state.unstyled.delete(entry.target);
    state.observer.unobserve(entry.target);
  }
}

function chip(state, coding, active) {
  const [id, code, , layer, coder, source, status] = coding;
  const info = state.codeInfo[code];
  const node = element("button", "qc-chip");
  node.appendChild(element("span", "qc-chip-label", info ? info[1] : code));
  if (layer === "human") node.appendChild(element("span", "qc-chip-who", ` · ${coder}`));
  node.type = "button";
  node.dataset.coding = id;
  node.dataset.layer = layer;
  node.title = `${info ? info[1] : code} (${code}) · ${coder} · ${source} · ${status}`;
  node.style.borderLeftColor = rgba(state.colours[code] || "#888888", 1);
  if (status === "suggested") node.classList.add("qc-suggested");
  if (active.has(id)) node.classList.add("qc-active");
  return node;
}

// ----------------------------------------------------------------------------------- offsets and selection
function runAt(state, offset) {
  // the index of the run holding offset (the last run for the end of the text)
  let low = 0, high = state.runs.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (state.runs[middle][0] <= offset) low = middle; else high = middle - 1;
  }
  return low;
}

function pointOffset(state, node, offset) {
  if (node.nodeType === Node.TEXT_NODE && node.parentElement && node.parentElement.classList.contains("qc-run")
      && state.docEl.contains(node)) {
    return Number(node.parentElement.dataset.s) + codePoints(node.data.slice(0, offset));
  }
  // any other point: the start of the first run at or after it
  const probe = document.createRange();
  probe.setStart(node, offset);
  let low = 0, high = state.runEls.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (probe.comparePoint(state.runEls[middle], 0) >= 0) high = middle; else low = middle + 1;
  }
  return low < state.runs.length ? state.runs[low][0] : state.data.view.length;
}

function textBetween(state, start, end) {
  const parts = [];
  for (let i = runAt(state, start); i < state.runs.length && state.runs[i][0] < end; i++) {
    const [runStart, runEnd, text] = state.runs[i];
    const from = utf16Index(text, Math.max(start - runStart, 0));
    const to = utf16Index(text, Math.min(end, runEnd) - runStart);
    parts.push(text.slice(from, to));
  }
  return parts.join("");
}

function domPoint(state, offset) {
  const i = runAt(state, offset);
  const [runStart, , text] = state.runs[i];
  const node = state.runEls[i].firstChild || state.runEls[i];
  return [node, node.nodeType === Node.TEXT_NODE ? utf16Index(text, offset - runStart) : 0];
}

function rangeOf(state, start, end) {
  if (!state.runs.length) return null;
  const range = document.createRange();
  range.setStart(...domPoint(state, start));
  range.setEnd(...domPoint(state, end));
  return range;
}

function paint(state) {
  if (typeof CSS === "undefined" || !CSS.highlights) return;
  const mark = (name, span) => {
    const range = span ? rangeOf(state, span.start, span.end) : null;
    if (range) CSS.highlights.set(name, new Highlight(range)); else CSS.highlights.delete(name);
  };
  mark("qc-pending", state.selection);
  mark("qc-focus", state.focus);
}

function readSelection(state) {
  const selection = window.getSelection();
  if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
  const range = selection.getRangeAt(0);
  if (!state.docEl.contains(range.startContainer) || !state.docEl.contains(range.endContainer)) {
    if (range.intersectsNode(state.docEl)) {
      state.hint.textContent = "The selection goes outside the document: select inside it.";
    }
    return null;
  }
  const start = pointOffset(state, range.startContainer, range.startOffset);
  const end = pointOffset(state, range.endContainer, range.endOffset);
  return end > start ? { start, end } : null;
}

function select(state, span, { send = true, scroll = false } = {}) {
  state.selection = span;
  paint(state);
  if (span && scroll) scrollTo(state, span.start);
  if (span && send && state.data.editable) sendSelection(state);
  updateHint(state);
}

function sendSelection(state) {
  clearTimeout(state.selectionTimer);
  const span = state.selection;
  state.selectionTimer = setTimeout(() => {
    state.send("selection", { doc: state.data.doc.id, sha: state.data.doc.sha, start: span.start, end: span.end,
                              text: textBetween(state, span.start, span.end) });
  }, state.pointer ? 0 : 350);
}

function scrollTo(state, offset) {
  if (!state.runs.length) return;
  const target = state.runEls[runAt(state, offset)];
  const box = state.scroller.getBoundingClientRect();
  const place = target.getBoundingClientRect();
  state.scroller.scrollTop += place.top - box.top - box.height / 3;
}

// ------------------------------------------------------------------------------------------------ keyboard
function isSpace(text) {
  return /\s/.test(text);
}

function chars(state) {
  if (!state.chars) state.chars = Array.from(state.runs.map((run) => run[2]).join(""));
  return state.chars;
}

function wordEnd(state, from, step) {
  // the next (step 1) or previous (step -1) end of a word, from a code point offset
  const text = chars(state);
  let i = from;
  if (step > 0) {
    while (i < text.length && isSpace(text[i])) i++;
    while (i < text.length && !isSpace(text[i])) i++;
  } else {
    while (i > 0 && isSpace(text[i - 1])) i--;
    while (i > 0 && !isSpace(text[i - 1])) i--;
    while (i > 0 && isSpace(text[i - 1])) i--;
  }
  return i;
}

function wordStart(state, from, step) {
  const text = chars(state);
  let i = from;
  if (step > 0) {
    while (i < text.length && !isSpace(text[i])) i++;
    while (i < text.length && isSpace(text[i])) i++;
  } else {
    while (i > 0 && isSpace(text[i - 1])) i--;
    while (i > 0 && !isSpace(text[i - 1])) i--;
  }
  return i;
}

function units(state) {
  // the segments, or the blocks of a document not segmented yet
  const segments = state.data.segments || [];
  return segments.length ? segments : state.data.view.blocks.map(([start, end]) => [start, end]);
}

function stepSegment(state, step) {
  const segments = units(state);
  if (!segments.length) return;
  const here = state.selection ? state.selection.start : -1;
  let index;
  if (step > 0) {
    index = segments.findIndex(([start]) => start > here);
    if (index < 0) index = segments.length - 1;
  } else {
    index = -1;
    for (let i = 0; i < segments.length; i++) if (segments[i][0] < here) index = i;
    if (index < 0) index = 0;
  }
  select(state, { start: segments[index][0], end: segments[index][1] }, { scroll: true });
}

function onDocumentKey(state, event) {
  const key = event.key;
  const command = event.ctrlKey || event.metaKey;
  if (command && (key === "z" || key === "Z")) {
    event.preventDefault();
    state.send(event.shiftKey ? "redo" : "undo", { at: Date.now() });
  } else if (command && (key === "y" || key === "Y")) {
    event.preventDefault();
    state.send("redo", { at: Date.now() });
  } else if (command) {
    return;
  } else if (key === "ArrowDown" || key === "ArrowUp") {
    event.preventDefault();
    if (event.shiftKey && state.selection) {
      const segments = units(state);
      const found = key === "ArrowDown" ? segments.find(([, end]) => end > state.selection.end)
                                        : [...segments].reverse().find(([, end]) => end < state.selection.end);
      if (found && found[1] > state.selection.start) select(state, { start: state.selection.start, end: found[1] });
    } else {
      stepSegment(state, key === "ArrowDown" ? 1 : -1);
    }
  } else if ((key === "ArrowRight" || key === "ArrowLeft") && event.shiftKey && state.selection) {
    event.preventDefault();
    const step = key === "ArrowRight" ? 1 : -1;
    let { start, end } = state.selection;
    if (event.altKey) start = Math.min(wordStart(state, start, step), end - 1);
    else end = Math.max(wordEnd(state, end, step), start + 1);
    select(state, { start, end });
  } else if ((key === "Enter" || key === "c") && state.selection) {
    event.preventDefault();
    openPicker(state);
  } else if (key === "Escape") {
    select(state, null, { send: false });
  }
}

// ----------------------------------------------------------------------------------------------- the picker
function pickerOptions(state) {
  const query = fold(state.pickerInput.value.trim());
  const recent = state.data.recent || [];
  const matches = state.data.codes.filter(([id, label, other]) =>
    !query || fold(label).includes(query) || fold(other).includes(query) || fold(id).includes(query));
  const rank = new Map(recent.map((id, i) => [id, i]));
  const first = matches.filter(([id]) => rank.has(id)).sort((a, b) => rank.get(a[0]) - rank.get(b[0]));
  return [...first.map((code) => [code, true]), ...matches.filter(([id]) => !rank.has(id)).map((code) => [code, false])];
}

function drawPicker(state) {
  const options = pickerOptions(state);
  state.pickerShown = options.map(([code]) => code[0]);
  const typed = state.pickerInput.value.trim().replace(/\s+/g, " ");
  const offerNew = Boolean(typed) && !options.some(([code]) => fold(code[1] || "") === fold(typed));
  state.pickerIndex = Math.min(state.pickerIndex, Math.max(options.length - (offerNew ? 0 : 1), 0));
  const list = state.pickerList;
  list.replaceChildren();
  options.forEach(([code, recent], i) => {
    const [id, label, other, colour, depth] = code;
    const row = element("li", "qc-option");
    row.dataset.code = id;
    row.setAttribute("role", "option");
    if (i === state.pickerIndex) { row.classList.add("qc-current"); row.setAttribute("aria-selected", "true"); }
    if (state.marked.has(id)) row.classList.add("qc-marked");
    const dot = element("span", "qc-dot");
    dot.style.backgroundColor = rgba(colour, 1);
    row.appendChild(dot);
    const name = element("span", "qc-option-label", label || id);
    name.style.paddingLeft = `${recent || state.pickerInput.value ? 0 : depth * 14}px`;
    row.appendChild(name);
    if (other && other !== label) row.appendChild(element("span", "qc-option-other", other));
    row.appendChild(element("span", "qc-option-id", recent ? `${id} · recent` : id));
    list.appendChild(row);
  });
  if (offerNew) {
    // the last row creates a code named as typed and codes the selection with it
    const row = element("li", "qc-option qc-new", `+ New code «${typed}»`);
    row.dataset.newCode = typed;
    row.setAttribute("role", "option");
    if (state.pickerIndex === options.length) { row.classList.add("qc-current"); row.setAttribute("aria-selected", "true"); }
    list.appendChild(row);
    state.pickerShown.push(NEW_CODE);
  } else if (!options.length) list.appendChild(element("li", "qc-empty", "No code matches."));
  const marked = [...state.marked];
  state.pickerMarked.textContent = marked.length ? `Also: ${marked.join(", ")}` : "";
  const current = list.children[state.pickerIndex];
  if (current && current.scrollIntoView) current.scrollIntoView({ block: "nearest" });
}

function openPicker(state) {
  if (!state.selection) return;
  if (!state.data.coder) {
    state.hint.textContent = "Type your coder name above to code.";
    return;
  }
  if (!state.data.editable) return;
  state.marked = new Set();
  state.pickerIndex = 0;
  state.pickerInput.value = "";
  const range = rangeOf(state, state.selection.start, state.selection.end);
  const box = state.frame.getBoundingClientRect();
  const rects = range ? range.getClientRects() : [];
  const last = rects.length ? rects[rects.length - 1] : box;
  const top = Math.min(Math.max(last.bottom - box.top + 6, 0), Math.max(box.height - 320, 0));
  state.picker.style.top = `${top}px`;
  state.picker.style.left = `${Math.min(Math.max(last.left - box.left, 0), Math.max(box.width - 380, 0))}px`;
  state.picker.hidden = false;
  state.pickerQuote.textContent = `«${textBetween(state, state.selection.start, state.selection.end).trim()
    .replace(/\s+/g, " ").slice(0, 90)}»`;
  drawPicker(state);
  state.pickerInput.focus();
}

function closePicker(state, refocus = true) {
  state.picker.hidden = true;
  if (refocus) state.scroller.focus({ preventScroll: true });
}

const NEW_CODE = "\u0000new";

function create(state, label) {
  const span = state.selection;
  if (!span || !label) return;
  clearTimeout(state.selectionTimer);
  state.send("create", { doc: state.data.doc.id, sha: state.data.doc.sha, start: span.start, end: span.end,
                         text: textBetween(state, span.start, span.end), label });
  closePicker(state);
  state.selection = null;
  paint(state);
  state.hint.textContent = `Creating the code «${label}»…`;
}

function apply(state, codes) {
  const span = state.selection;
  if (!span || !codes.length) return;
  clearTimeout(state.selectionTimer);
  state.send("apply", { doc: state.data.doc.id, sha: state.data.doc.sha, start: span.start, end: span.end,
                        text: textBetween(state, span.start, span.end), codes });
  closePicker(state);
  state.selection = null;
  paint(state);
  state.hint.textContent = `Coding ${codes.join(", ")}…`;
}

function onPickerKey(state, event) {
  const shown = state.pickerShown;
  if (event.key === "ArrowDown" || event.key === "ArrowUp") {
    event.preventDefault();
    const step = event.key === "ArrowDown" ? 1 : -1;
    state.pickerIndex = Math.min(Math.max(state.pickerIndex + step, 0), Math.max(shown.length - 1, 0));
    drawPicker(state);
  } else if (event.key === "PageDown" || event.key === "PageUp") {
    event.preventDefault();
    const step = event.key === "PageDown" ? PICKER_ROWS : -PICKER_ROWS;
    state.pickerIndex = Math.min(Math.max(state.pickerIndex + step, 0), Math.max(shown.length - 1, 0));
    drawPicker(state);
  } else if (event.key === "Enter") {
    event.preventDefault();
    const current = shown[state.pickerIndex];
    if (current === NEW_CODE) {
      create(state, state.pickerInput.value.trim().replace(/\s+/g, " "));
      return;
    }
    if (event.shiftKey) {
      if (current) state.marked.has(current) ? state.marked.delete(current) : state.marked.add(current);
      drawPicker(state);
      return;
    }
    const codes = [...state.marked];
    if (current && !state.marked.has(current)) codes.push(current);
    apply(state, codes);
  } else if (event.key === "Escape") {
    event.preventDefault();
    closePicker(state);
  }
}

function updateHint(state) {
  if (!state.hint) return;
  if (!state.selection) {
    state.hint.textContent = state.data.hint || (state.data.editable
      ? "Select text with the mouse, or press ↓ for the next segment; then Enter to code it."
      : "Type your coder name above to code; clicking a coded span lists its codings.");
    return;
  }
  const length = state.selection.end - state.selection.start;
  state.hint.textContent = `${length} characters selected (${state.selection.start}–${state.selection.end}). `
    + (state.data.coder ? "Enter: code it · Shift+→/←: extend by a word · Esc: clear" : "");
}

// ---------------------------------------------------------------------------------------------- the module
function setUp(parent, send) {
  const frame = parent.querySelector(".qc-view");
  const state = {
    frame, send,
    scroller: frame.querySelector(".qc-scroll"),
    docEl: frame.querySelector(".qc-doc"),
    hint: frame.querySelector(".qc-hint"),
    picker: frame.querySelector(".qc-picker"),
    pickerInput: frame.querySelector(".qc-picker input"),
    pickerList: frame.querySelector(".qc-picker ul"),
    pickerQuote: frame.querySelector(".qc-picker-quote"),
    pickerMarked: frame.querySelector(".qc-picker-marked"),
    selection: null, focus: null, focusToken: null, marked: new Set(), pickerIndex: 0, pickerShown: [],
    unstyled: new Map(),
  };
  state.observer = new IntersectionObserver((entries) => styleBlocks(state, entries),
                                            { root: state.scroller, rootMargin: "800px 0px" });
  state.scroller.addEventListener("mousedown", (event) => {
    state.pointer = true;
    if (!state.picker.hidden && !state.picker.contains(event.target)) closePicker(state, false);
  });
  state.scroller.addEventListener("mouseup", (event) => {
    if (event.target.closest && event.target.closest(".qc-chip")) return;
    setTimeout(() => {
      const span = readSelection(state);
      if (span) {
        select(state, span);
        state.pointer = false;
        if (state.data.coder && state.data.editable) openPicker(state);
        return;
      }
      state.pointer = false;
      const run = event.target.closest && event.target.closest(".qc-coded");
      if (run) state.send("click", { doc: state.data.doc.id, coding_ids: run.dataset.codings.split(",").map(Number) });
    }, 0);
  });
  state.scroller.addEventListener("click", (event) => {
    const found = event.target.closest && event.target.closest(".qc-chip");
    if (found) state.send("click", { doc: state.data.doc.id, coding_ids: [Number(found.dataset.coding)] });
  });
  state.scroller.addEventListener("keydown", (event) => {
    if (event.target === state.scroller) onDocumentKey(state, event);
  });
  state.pickerInput.addEventListener("input", () => { state.pickerIndex = 0; drawPicker(state); });
  state.pickerInput.addEventListener("keydown", (event) => onPickerKey(state, event));
  state.pickerList.addEventListener("mousedown", (event) => event.preventDefault());
  state.pickerList.addEventListener("click", (event) => {
    const fresh = event.target.closest("li[data-new-code]");
    if (fresh) { create(state, fresh.dataset.newCode); return; }
    const row = event.target.closest("li[data-code]");
    if (!row) return;
    const code = row.dataset.code;
    if (event.ctrlKey || event.metaKey || event.shiftKey) {
      state.marked.has(code) ? state.marked.delete(code) : state.marked.add(code);
      drawPicker(state);
    } else {
      apply(state, [...state.marked, ...(state.marked.has(code) ? [] : [code])]);
    }
  });
  return state;
}

export default function (component) {
  const { parentElement, setTriggerValue } = component;
  // the page hands over one JSON text (serialised once per revision on the server)
  const data = typeof component.data === "string" ? JSON.parse(component.data) : component.data;
  const frame = parentElement.querySelector(".qc-view");
  if (!frame || !data) return;
  const state = frame.qcState || (frame.qcState = setUp(parentElement, setTriggerValue));
  state.send = setTriggerValue;
  const sameDocument = state.data && state.data.doc.id === data.doc.id && state.data.doc.sha === data.doc.sha;
  state.data = data;
  state.chars = null;
  state.colours = Object.fromEntries(data.codes.map(([id, , , colour]) => [id, colour]));
  state.codeInfo = Object.fromEntries(data.codes.map((code) => [code[0], code]));
  state.scroller.style.height = data.height || "70vh";
  if (!sameDocument) {
    state.selection = null;
    state.scroller.scrollTop = 0;
  }
  draw(state);
  const focus = data.focus;
  if (focus && focus.token !== state.focusToken) {
    state.focusToken = focus.token;
    state.focus = { start: focus.start, end: focus.end };
    state.selection = { start: focus.start, end: focus.end };
    requestAnimationFrame(() => scrollTo(state, focus.start));
    state.scroller.focus({ preventScroll: true });
  } else if (!focus) {
    state.focus = null;
  }
  if (!state.picker.hidden && !state.selection) closePicker(state, false);
  paint(state);
  updateHint(state);
}
