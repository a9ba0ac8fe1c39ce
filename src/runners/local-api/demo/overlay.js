// Draws one page of a .mokuro document: the image with its text blocks over it, as a Mokuro reader
// does. Positions are percentages of the page's pixel size, so the overlay follows the displayed
// image at any width without listening for resizes; font sizes use container units for the same reason.

const pct = (v, of) => `${(v / of) * 100}%`;

/** Axis-aligned bounds of a line quad ([[x, y] × 4], TL TR BR BL). */
function bounds(quad) {
  const xs = quad.map((p) => p[0]);
  const ys = quad.map((p) => p[1]);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

/** Places `el` over the rectangle [x1, y1, x2, y2] given in the pixels of a `w`×`h` frame. */
function place(el, [x1, y1, x2, y2], w, h, ox = 0, oy = 0) {
  el.style.left = pct(x1 - ox, w);
  el.style.top = pct(y1 - oy, h);
  el.style.width = pct(x2 - x1, w);
  el.style.height = pct(y2 - y1, h);
}

function drawBlock(block, page) {
  const [x1, y1, x2, y2] = block.box;
  const el = document.createElement('div');
  el.className = block.vertical ? 'block vertical' : 'block';
  // Focusable so a tap (phones have no hover) reveals the text and keyboard users can reach it.
  el.tabIndex = 0;
  el.dataset.box = block.box.join(',');
  place(el, block.box, page.img_width, page.img_height);
  // Font size in page pixels, scaled to the displayed page width (100cqw = the sheet's width).
  el.style.fontSize = `calc(${block.font_size} * 100cqw / ${page.img_width})`;
  block.lines.forEach((text, i) => {
    const line = document.createElement('p');
    line.className = 'line';
    line.textContent = text;
    // max(1, …): a degenerate block (zero width or height) must not divide by zero.
    place(line, bounds(block.lines_coords[i]), Math.max(1, x2 - x1), Math.max(1, y2 - y1), x1, y1);
    el.append(line);
  });
  return el;
}

/**
 * A sheet: the page image (or a grey stand-in if the browser cannot show it) at the page's aspect
 * ratio, with one element per block. `src` is an object URL of the page image, or undefined.
 */
export function drawPage(page, src) {
  const sheet = document.createElement('div');
  sheet.className = 'sheet';
  sheet.style.aspectRatio = `${page.img_width} / ${page.img_height}`;
  if (src) {
    const img = document.createElement('img');
    img.src = src;
    img.alt = `Page ${page.img_path}`;
    img.addEventListener('error', () => img.replaceWith(missing('This browser cannot show this image; the text boxes are still placed.')));
    sheet.append(img);
  } else {
    sheet.append(missing('The page image is not available here; the text boxes are still placed.'));
  }
  const overlay = document.createElement('div');
  overlay.className = 'overlay';
  overlay.append(...page.blocks.map((b) => drawBlock(b, page)));
  sheet.append(overlay);
  return sheet;
}

function missing(text) {
  const el = document.createElement('p');
  el.className = 'missing';
  el.textContent = text;
  return el;
}
