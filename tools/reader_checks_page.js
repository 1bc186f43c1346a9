// Run in a page by tools/reader_checks.py (page.evaluate, with the claim ids as argument): what a
// reader sees of the charts and tables, as numbers and texts.
(claimIds) => {
  // @colours
  const shown = (e) => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== "hidden";
  };
  const words = (text) => text.replace(/\s+/g, " ").trim();
  // A claim id as a whole token (not inside a longer hyphenated word).
  const idPattern = claimIds.length
    ? new RegExp("(^|[^\\w-])(" + claimIds.map((i) => i.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|") + ")(?![\\w-])", "i")
    : null;

  const charts = [...document.querySelectorAll('div[id^="altair-viz-"]')].map((div, index) => {
    const svg = div.querySelector("svg.marks");
    if (!svg) return { index: index + 1, drawn: false };
    const natural = parseFloat(svg.getAttribute("width")) || svg.getBoundingClientRect().width;
    const scale = svg.getBoundingClientRect().width / natural;
    const texts = [...svg.querySelectorAll("text")].filter((t) => words(t.textContent) && shown(t));
    let smallest = null;
    for (const t of texts) {
      const px = parseFloat(getComputedStyle(t).fontSize) * scale;
      if (!smallest || px < smallest.px) smallest = { px, text: words(t.textContent).slice(0, 40) };
    }
    // The chart's own background (Vega's SVG paints it as a first, full-size rect), over what is
    // behind the svg on the page.
    let background = backdrop(svg);
    const paint = svg.querySelector(":scope > rect");
    if (paint) background = over(rgba(paint.getAttribute("fill") || "transparent"), background);
    const labels = texts.map((t) => words(t.textContent));
    return {
      index: index + 1,
      drawn: true,
      layout: div.dataset.tacmgLayout || "",
      smallest,
      background: background.slice(0, 3).map(Math.round),
      backgroundLuminance: luminance(background),
      ids: idPattern ? [...new Set(labels.filter((l) => idPattern.test(l)))] : [],
    };
  });

  const column = document.querySelector("article.bd-article") || document.querySelector("main") || document.body;
  const style = getComputedStyle(column);
  const columnWidth = column.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  const tables = [...column.querySelectorAll("table")].filter(shown).map((table, index) => {
    const cells = [...table.querySelectorAll("th, td")].map((c) => words(c.textContent));
    const heading = words((table.querySelector("thead") || table).querySelector("th, td")?.textContent || "");
    return {
      index: index + 1,
      heading: heading.slice(0, 40),
      width: Math.round(table.getBoundingClientRect().width),
      ids: idPattern ? [...new Set(cells.filter((c) => idPattern.test(c)))].slice(0, 5) : [],
    };
  });
  // The landing page's first verdict sentence: where it starts, in page coordinates.
  const verdict = document.querySelector(".tacmg-first-verdict");
  const landing = {
    marked: Boolean(document.querySelector(".tacmg-landing")),
    verdictTop: verdict ? Math.round(verdict.getBoundingClientRect().top + window.scrollY) : null,
  };
  return {
    width: document.documentElement.clientWidth,
    theme: document.documentElement.dataset.theme || "",
    columnWidth: Math.round(columnWidth),
    charts,
    tables,
    landing,
  };
}
