// One card per page: its name, its state (waiting → queued → processing → done / error), and once
// done the page drawn with its blocks.
import { drawPage } from './overlay.js';

/**
 * `source`: { name, open() → Promise<Blob> } — a picked file, or an entry of a picked CBZ.
 * The blob is opened only when the page is shown (or downloaded), so a big CBZ stays cheap.
 */
export function pageCard(source, index) {
  const li = document.createElement('li');
  li.className = 'page';
  const head = document.createElement('h3');
  const name = document.createElement('span');
  name.className = 'name';
  name.textContent = `${index + 1}. ${source.name}`;
  const state = document.createElement('span');
  state.className = 'state';
  head.append(name, state);
  const error = document.createElement('p');
  error.className = 'page-error';
  error.hidden = true;
  li.append(head, error);

  const card = {
    li,
    name: source.name,
    open: source.open,
    done: false,
    page: undefined,
    url: undefined,
    set(stateName, text) {
      li.dataset.state = stateName;
      state.textContent = text;
    },
    fail(message) {
      card.done = true;
      card.set('error', 'error');
      error.textContent = message;
      error.hidden = false;
    },
    async show(page) {
      card.done = true;
      card.page = page;
      const lines = page.blocks.reduce((n, b) => n + b.lines.length, 0);
      card.set('done', `done · ${page.blocks.length} blocks, ${lines} lines`);
      card.url = await source.open().then((blob) => URL.createObjectURL(blob), () => undefined);
      li.append(drawPage(page, card.url));
    },
    dispose() {
      if (card.url) URL.revokeObjectURL(card.url);
    },
  };
  card.set('waiting', 'waiting');
  return card;
}
