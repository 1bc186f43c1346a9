// How the book's charts fit the reader's screen and colour mode: see chart_layout.py (why this
// is done in the browser, and how). Written into the vega bundle by tacmg.presentation.vega_bundle,
// with SETTINGS filled in from tacmg.presentation.palette; node loads it for the unit tests.
(function (root, settings) {
  "use strict";
  const SKIP = new Set(["data", "datasets"]); // the data: never rewritten
  const VIEW_KEYS = new Set(["vconcat", "hconcat", "concat", "layer", "spec"]); // keys holding views
  const LEGEND_CHANNELS = ["color", "fill", "stroke", "shape", "size", "opacity", "strokeDash"];

  const clone = (value) => JSON.parse(JSON.stringify(value));

  // Every object of a spec outside its data, with the key under which it sits.
  function visit(node, callback, key) {
    if (Array.isArray(node)) {
      node.forEach((item) => visit(item, callback, key));
    } else if (node && typeof node === "object") {
      callback(node, key);
      for (const [k, v] of Object.entries(node)) if (!SKIP.has(k)) visit(v, callback, k);
    }
  }

  // `text` as lines of at most about `chars` characters, broken between words (one line: a string).
  function wrapText(text, chars) {
    if (typeof text !== "string" || text.length <= chars) return text;
    const lines = [];
    let line = "";
    for (const word of text.split(" ")) {
      if (line && line.length + 1 + word.length > chars) {
        lines.push(line);
        line = word;
      } else {
        line = line ? line + " " + word : word;
      }
    }
    if (line) lines.push(line);
    return lines.length === 1 ? lines[0] : lines;
  }

  const wrapLines = (value, chars) =>
    Array.isArray(value) ? value.flatMap((line) => [].concat(wrapText(line, chars))) : wrapText(value, chars);

  // A title (string, list of lines, or title object) wrapped to `room` px at `size` px text.
  function wrapTitle(title, room, size) {
    const chars = Math.max(12, Math.floor(room / (size * settings.charWidth)));
    if (typeof title === "string" || Array.isArray(title)) return wrapLines(title, chars);
    if (title && typeof title === "object") {
      const out = Object.assign({}, title);
      if (out.text !== undefined) out.text = wrapLines(out.text, Math.max(12, Math.floor(room / ((out.fontSize || size) * settings.charWidth))));
      if (out.subtitle !== undefined) {
        out.subtitle = wrapLines(out.subtitle, Math.floor(room / ((out.subtitleFontSize || settings.fonts.subtitle) * settings.charWidth)));
      }
      return out;
    }
    return title;
  }

  // The phone layout of a Vega-Lite spec for a column `room` px wide: panels side by side are
  // stacked, grids and facets take one column, legends go under the chart (one entry a line),
  // and titles break into lines that fit. Text keeps its size; widths are fitted by fitWidths.
  function phoneLayout(spec, room) {
    const out = clone(spec);
    const chars = (share, size) => Math.max(12, Math.floor((share * room) / (size * settings.charWidth)));
    visit(out, (node, key) => {
      if (Array.isArray(node.hconcat)) {
        node.vconcat = node.hconcat;
        delete node.hconcat;
      }
      if (typeof node.columns === "number" && (node.concat || node.facet)) node.columns = 1;
      if (node.title !== undefined && (key === undefined || VIEW_KEYS.has(key))) {
        node.title = wrapTitle(node.title, room, settings.fonts.title);
      }
      const encoding = node.encoding;
      if (encoding && typeof encoding === "object") {
        if (encoding.facet && typeof encoding.facet.columns === "number") encoding.facet.columns = 1;
        for (const channel of ["x", "y"]) {
          const field = encoding[channel];
          // an axis title is centred on its plot, which may be narrow: half the column at most
          if (field && typeof field.title === "string") field.title = wrapText(field.title, chars(0.5, settings.fonts.axisTitle));
        }
        for (const channel of ["y", "x"]) {
          // names on a nominal axis (a claim, a molecule, a scenario) break into lines of at
          // most about a third of the column
          const field = encoding[channel];
          if (!field || (field.type !== "nominal" && field.type !== "ordinal") || field.axis === null) continue;
          const axis = Object.assign({}, field.axis || {});
          if (axis.labelExpr !== undefined) continue;
          if (channel === "x" && axis.labelAngle) {
            // slanted column names would run into each other once the columns narrow: upright
            axis.labelAngle = -90;
            axis.labelLimit = 0;
            field.axis = axis;
            continue;
          }
          const width = chars(settings.rowLabelShare, settings.fonts.label);
          axis.labelExpr = `split(trim(replace('' + datum.label, regexp('(.{1,${width}})(\\\\s+|$)', 'g'), '$1\\n')), '\\n')`;
          axis.labelLimit = 0;
          field.axis = axis;
        }
        for (const channel of LEGEND_CHANNELS) {
          const field = encoding[channel];
          if (!field || typeof field !== "object" || field.legend === null) continue;
          const legend = Object.assign({}, field.legend || {});
          legend.orient = "bottom";
          legend.direction = "vertical";
          legend.columns = 1;
          if (typeof legend.title === "string") legend.title = wrapText(legend.title, chars(0.9, settings.fonts.axisTitle));
          field.legend = legend;
        }
      }
    });
    // rows tall enough for names on two lines (a layer's height is set above its encodings)
    visit(out, (node) => {
      if (node.height && typeof node.height.step === "number") node.height = { step: Math.max(node.height.step, settings.rowStep) };
    });
    // two legends under one chart: one above the other, not side by side
    out.config = merge(out.config || {}, { legend: { layout: { bottom: { direction: "vertical", anchor: "start" } } } });
    return out;
  }

  // `spec` with every fixed width cut by `excess` px (at least settings.minWidth) and every step
  // width scaled by `factor`: one step of fitting a chart that is `excess` px too wide.
  function fitWidths(spec, excess, factor) {
    const out = clone(spec);
    visit(out, (node) => {
      if (typeof node.width === "number") node.width = Math.max(settings.minWidth, Math.floor(node.width - excess));
      else if (node.width && typeof node.width.step === "number") node.width = { step: Math.max(settings.minStep, Math.floor(node.width.step * factor)) };
    });
    return out;
  }

  // The dark-mode spec: each role colour replaced by its dark counterpart (settings.dark), the
  // chart on the page's dark background. A continuous colour ramp (a scale with `interpolate`)
  // and the text drawn on its cells (a text mark whose colour depends on the datum) keep theirs.
  function darkSpec(spec) {
    const out = clone(spec);
    const swaps = new Map(Object.entries(settings.dark).map(([k, v]) => [k.toLowerCase(), v]));
    const swap = (node) => {
      if (Array.isArray(node)) return node.map(swap);
      if (typeof node === "string") return swaps.get(node.toLowerCase()) || node;
      if (!node || typeof node !== "object") return node;
      if (node.interpolate !== undefined && Array.isArray(node.range)) return node; // a ramp
      const markType = typeof node.mark === "string" ? node.mark : node.mark && node.mark.type;
      for (const [k, v] of Object.entries(node)) {
        if (SKIP.has(k)) continue;
        if (k === "encoding" && markType === "text" && v && v.color && v.color.condition) {
          const { color, ...others } = v;
          node[k] = Object.assign(swap(others), { color });
        } else {
          node[k] = swap(v);
        }
      }
      return node;
    };
    swap(out);
    out.config = merge(out.config || {}, settings.darkConfig);
    return out;
  }

  function merge(base, extra) {
    const out = Object.assign({}, base);
    for (const [k, v] of Object.entries(extra)) {
      out[k] = v && typeof v === "object" && !Array.isArray(v) && out[k] && typeof out[k] === "object" ? merge(out[k], v) : v;
    }
    return out;
  }

  const layout = { wrapText, phoneLayout, fitWidths, darkSpec, settings };
  if (typeof module === "object" && module.exports) {
    module.exports = layout;
    return;
  }
  root.tacmgChartLayout = layout;

  // ------------------------------------------------------------------------ in the browser
  const embed = root.vegaEmbed;
  if (typeof embed !== "function" || embed.tacmgLayout) return;
  const charts = new Map(); // the chart's element -> {spec, options, result, room, dark, queue, queuedDark}

  const isDark = () => document.documentElement.dataset.theme === "dark";
  // The width a chart may take: its element's content box (vega-embed pads it on the right for
  // its "..." menu) less what else sits beside the chart in it (Altair's page style keeps the
  // menu in the flow, beside the chart).
  const roomOf = (element) => {
    const style = getComputedStyle(element);
    const beside = [...element.children]
      .filter((child) => !child.classList.contains("chart-wrapper") && getComputedStyle(child).position !== "absolute")
      .reduce((sum, child) => sum + child.getBoundingClientRect().width, 0);
    return Math.floor(element.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - beside);
  };
  const drawnWidth = (element) => {
    const svg = element.querySelector("svg.marks, canvas.marks");
    return svg ? parseFloat(svg.getAttribute("width")) || svg.width || 0 : 0;
  };

  // One drawing of a chart at a time, each in the mode of the page when it starts: the theme sets
  // data-theme again once loaded (the same value), and a reader may switch the mode while a chart
  // is still being fitted; drawings run one after the other, so the last one drawn is in the mode
  // chosen last, and a mode already queued is not drawn twice.
  let drawing = 0; // drawings queued or running, on every chart of the page
  function draw(element) {
    const chart = charts.get(element);
    chart.queuedDark = isDark();
    const previous = chart.queue || Promise.resolve();
    drawing += 1;
    chart.queue = previous
      .catch(() => undefined)
      .then(() => drawNow(element))
      .finally(() => {
        drawing -= 1;
      });
    return chart.queue;
  }

  async function drawNow(element) {
    const chart = charts.get(element);
    const dark = isDark();
    const themed = (spec) => (dark ? darkSpec(spec) : spec);
    if (chart.result && chart.result.finalize) chart.result.finalize();
    let result = await embed(element, themed(chart.spec), chart.options);
    const room = roomOf(element);
    let width = drawnWidth(element);
    let fitted = "as built";
    if (width > room) {
      fitted = "phone layout";
      // Too wide for the column: the phone layout, then widths cut until the chart fits.
      let spec = phoneLayout(chart.spec, room);
      for (let attempt = 0; attempt < settings.fitAttempts; attempt += 1) {
        result.finalize && result.finalize();
        result = await embed(element, themed(spec), chart.options);
        width = drawnWidth(element);
        if (width <= room) break;
        // steps shrink faster than the whole: the labels beside the cells do not shrink
        spec = fitWidths(spec, width - room, (room / width) ** 2);
      }
    }
    Object.assign(chart, { result, room, dark });
    // what the browser check and a curious reader can see: the layout drawn
    element.dataset.tacmgLayout = width <= room ? fitted : "scaled down";
    // the mode the chart is drawn in, set once it is whole: the browser check waits on it
    element.dataset.tacmgTheme = dark ? "dark" : "light";
    return result;
  }

  function tacmgEmbed(target, spec, options) {
    const element = typeof target === "string" ? document.querySelector(target) : target;
    if (!element || typeof spec !== "object") return embed(target, spec, options);
    charts.set(element, { spec: clone(spec), options: options || {} });
    return draw(element);
  }
  Object.assign(tacmgEmbed, embed);
  tacmgEmbed.tacmgLayout = true;
  root.vegaEmbed = tacmgEmbed;

  // Redraw when the reader switches the colour mode, or the column changes width.
  const redraw = (changed) => charts.forEach((chart, element) => changed(chart, element) && draw(element));
  new MutationObserver(() => redraw((chart) => chart.queuedDark !== isDark())).observe(document.documentElement, {
    attributes: true,
    attributeFilter: ["data-theme"],
  });
  let pending = null;
  root.addEventListener("resize", () => {
    clearTimeout(pending);
    pending = setTimeout(() => {
      pending = null;
      redraw((chart, element) => Math.abs(chart.room - roomOf(element)) > 1);
    }, 200);
  });
  // Whether the charts are drawn for the page as it is now: no drawing queued or running, and none
  // waiting on a resize heard. The browser check waits on it (after a frame, when a resize is heard).
  layout.settled = () => drawing === 0 && pending === null;
})(typeof window !== "undefined" ? window : globalThis, /*SETTINGS*/ {});
