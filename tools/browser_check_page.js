// Run in each page by tools/browser_check.py (page.evaluate): what the page shows, as numbers.
() => {
  // Any CSS colour as [r, g, b, a] (0-255, alpha 0-1), through a 1-pixel canvas: the browser
  // converts whatever notation getComputedStyle returns (rgb(), color(srgb ...), oklch()).
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 1;
  const pen = canvas.getContext("2d", { willReadFrequently: true });
  const rgba = (css) => {
    pen.clearRect(0, 0, 1, 1);
    pen.fillStyle = "rgba(0, 0, 0, 0)";
    pen.fillStyle = css;
    pen.fillRect(0, 0, 1, 1);
    const [r, g, b, a] = pen.getImageData(0, 0, 1, 1).data;
    return [r, g, b, a / 255];
  };
  // `top` painted over `bottom` (source-over).
  const over = (top, bottom) => {
    const alpha = top[3] + bottom[3] * (1 - top[3]);
    if (alpha === 0) return [0, 0, 0, 0];
    const mix = (i) => (top[i] * top[3] + bottom[i] * bottom[3] * (1 - top[3])) / alpha;
    return [mix(0), mix(1), mix(2), alpha];
  };
  // What is behind an element: the backgrounds of it and its ancestors, composited from the page
  // canvas (white unless the root paints) upwards.
  const backdrop = (element) => {
    const chain = [];
    for (let e = element; e; e = e.parentElement) chain.unshift(e);
    return chain.reduce((below, e) => over(rgba(getComputedStyle(e).backgroundColor), below), [255, 255, 255, 1]);
  };
  const luminance = ([r, g, b]) => {
    const channel = (v) => ((v /= 255) <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  const ratio = (a, b) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  const css = (c) => `rgb(${c.slice(0, 3).map(Math.round).join(", ")})`;

  const banner = [];
  for (const box of document.querySelectorAll(".tacmg-banner")) {
    for (const part of box.querySelectorAll(".admonition-title, p")) {
      if (!part.textContent.trim()) continue;
      const behind = backdrop(part);
      const text = over(rgba(getComputedStyle(part).color), behind);
      banner.push({
        what: part.textContent.trim().slice(0, 40),
        ratio: ratio(text, behind),
        text: css(text),
        background: css(behind),
      });
    }
  }

  const charts = [...document.querySelectorAll('div[id^="altair-viz-"]')];
  // A chart wider than the output box it sits in is cut off (or must be scrolled sideways).
  const chartsTooWide = charts.flatMap((d, i) => {
    const drawing = d.querySelector("svg.marks, canvas.marks");
    const box = d.closest(".cell_output") || d.parentElement;
    if (!drawing || !box) return [];
    const [w, room] = [drawing.getBoundingClientRect().width, box.getBoundingClientRect().width];
    return w > room + 1 ? [`chart ${i + 1} is ${Math.round(w)} px wide in a ${Math.round(room)} px column`] : [];
  });
  const viewport = document.documentElement.clientWidth;
  // The outermost elements that reach past the right edge, for the report.
  const tooWide = [];
  if (document.documentElement.scrollWidth > viewport) {
    for (const e of document.querySelectorAll("body *")) {
      const r = e.getBoundingClientRect();
      if (r.right > viewport + 1 && r.width > 0 && !(e.parentElement && e.parentElement.getBoundingClientRect().right > viewport + 1)) {
        const name = e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.classList.length ? "." + [...e.classList].slice(0, 3).join(".") : "");
        tooWide.push(`${name} (${Math.round(r.right)} px)`);
        if (tooWide.length === 4) break;
      }
    }
  }
  return {
    theme: document.documentElement.dataset.theme || "",
    charts: charts.length,
    rendered: charts.filter((d) => d.querySelector("svg.marks, canvas.marks")).length,
    chart_errors: charts.flatMap((d) => [...d.querySelectorAll(".error")].map((e) => e.textContent)),
    charts_too_wide: chartsTooWide,
    scroll_width: document.documentElement.scrollWidth,
    too_wide: tooWide,
    banner,
  };
}
