  // Colour helpers shared by browser_check_page.js and reader_checks_page.js, written into each
  // where it says `// @colours` (reader_checks.page_script).
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
  // What is painted behind an element: the backgrounds of it and its ancestors, composited from
  // the page canvas (white unless the root paints) upwards.
  const backdrop = (element) => {
    const chain = [];
    for (let e = element; e; e = e.parentElement) chain.unshift(e);
    return chain.reduce((below, e) => over(rgba(getComputedStyle(e).backgroundColor), below), [255, 255, 255, 1]);
  };
  // WCAG 2 relative luminance of [r, g, b] (0-255).
  const luminance = ([r, g, b]) => {
    const channel = (v) => ((v /= 255) <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
