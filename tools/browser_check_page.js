// Run in each page by tools/browser_check.py (page.evaluate): what the page shows, as numbers.
() => {
  // @colours
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
    // Font Awesome replaces each <i class="fa-..."> of the theme with its drawing (an svg)
    icons_undrawn: document.querySelectorAll('i[class*="fa-"]').length,
    scroll_width: document.documentElement.scrollWidth,
    too_wide: tooWide,
    banner,
  };
}
