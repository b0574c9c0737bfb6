// A workspace's documents: upload many files at once (drag and drop or the
// file picker) with each file's upload progress, then each file's
// ingestion progress from /api/v1/jobs/{id}/events, and its error if it
// fails; the list of documents with their status, pin/unpin and delete
// (after a confirmation).
import { workspaceNav } from './workspace_nav.js';

function percent(done, total) {
  return total > 0 ? Math.round((100 * done) / total) : 0;
}

// One file's row in the upload list: a progress bar and a state line.
class UploadRow {
  constructor(app, file) {
    this.bar = app.el('progress', { max: 100, value: 0, 'aria-label': `Progress of ${file.name}` });
    this.state = app.el('span', { class: 'state', testid: 'upload-state' }, 'waiting');
    this.element = app.el('li', { class: 'upload', testid: 'upload', dataset: { name: file.name } },
                          app.el('span', { class: 'name' }, file.name), this.bar, this.state);
  }

  set(text, value, kind) {
    this.state.textContent = text;
    if (value !== undefined) this.bar.value = value;
    if (kind) {
      this.element.classList.add(kind);
      this.element.dataset.result = kind;
    }
  }
}

function describeJob(job) {
  if (job.state === 'queued') return 'queued for ingestion';
  if (job.state === 'running') {
    if (job.chunks_total > 0) return `ingesting: ${job.chunks_done} of ${job.chunks_total} chunks embedded`;
    return `ingesting: ${job.pages_done ?? 0} pages read`;
  }
  return job.state;
}

class DocumentsPage {
  constructor(root, app, slug) {
    this.root = root;
    this.app = app;
    this.slug = slug;
    this.base = `/api/v1/workspaces/${encodeURIComponent(slug)}`;
    this.controller = new AbortController();
    this.uploads = app.el('ul', { class: 'uploads', testid: 'uploads', 'aria-label': 'Uploads' });
    this.list = app.el('tbody');
    this.listNote = app.el('p', { class: 'muted' });
  }

  render() {
    const app = this.app;
    const picker = app.el('input', { id: 'file-picker', type: 'file', multiple: true, class: 'visually-hidden' });
    picker.addEventListener('change', () => { this.uploadFiles([...picker.files]); picker.value = ''; });
    const zone = app.el('div', { class: 'dropzone', testid: 'dropzone' },
      app.el('p', {}, 'Drop files here, or '),
      app.el('label', { for: 'file-picker', class: 'button primary' }, 'Choose files'), ' ', picker,
      app.el('p', { class: 'muted' }, 'PDF, Word, PowerPoint, Excel, OpenDocument, EPUB, HTML, Markdown, CSV and text.'));
    zone.addEventListener('dragover', (event) => { event.preventDefault(); zone.classList.add('over'); });
    zone.addEventListener('dragleave', () => zone.classList.remove('over'));
    zone.addEventListener('drop', (event) => {
      event.preventDefault();
      zone.classList.remove('over');
      this.uploadFiles([...(event.dataTransfer?.files ?? [])]);
    });
    const table = app.el('div', { class: 'table-wrap' }, app.el('table', { class: 'reflow', testid: 'document-list' },
      app.el('thead', {}, app.el('tr', {}, ['Name', 'Format', 'Status', 'Pages', 'Pinned', 'Actions']
        .map((title) => app.el('th', { scope: 'col' }, title)))),
      this.list));
    this.root.append(app.el('h1', {}, `Documents — ${this.slug}`), workspaceNav(app, this.slug, 'documents'),
                     app.el('h2', {}, 'Upload'), zone, this.uploads,
                     app.el('h2', {}, 'In this workspace'), this.listNote, table);
  }

  async uploadFiles(files) {
    if (files.length === 0) return;
    const rows = files.map((file) => new UploadRow(this.app, file));
    this.uploads.prepend(...rows.map((row) => row.element));
    const results = await this.app.upload(`${this.base}/documents`, files, (index, loaded, total) => {
      rows[index].set(`uploading: ${percent(loaded, total)}%`, percent(loaded, total) / 2);
    });
    results.forEach((result, index) => this.accepted(rows[index], result));
    await this.load();
  }

  // The server's answer to one file's upload: a job to follow, a duplicate,
  // or an error for this file.
  accepted(row, result) {
    const entry = result.body?.documents?.[0];
    if (result.status !== 202 || !entry) {
      row.set(`failed: ${result.body?.error ?? `the server answered ${result.status}`}`, 100, 'failed');
      return;
    }
    if (entry.error) { row.set(`failed: ${entry.error}`, 100, 'failed'); return; }
    if (entry.duplicate) { row.set('already in this workspace', 100, 'done'); return; }
    if (!entry.job_id) { row.set('uploaded', 100, 'done'); return; }
    row.set('queued for ingestion', 50);
    this.follow(row, entry.job_id);
  }

  async follow(row, jobId) {
    let finished = false;
    const onEvent = (name, job) => {
      if (name === 'error') { finished = true; row.set(`failed: ${job?.error ?? 'the job ended'}`, 100, 'failed'); return; }
      const progress = 50 + percent(job.chunks_done ?? 0, job.chunks_total ?? 0) / 2;
      if (name === 'done') {
        finished = true;
        if (job.state === 'done') row.set('ready', 100, 'done');
        else row.set(`failed: ${job.error ?? job.state}`, 100, 'failed');
        this.load();
        return;
      }
      row.set(describeJob(job), progress);
    };
    try {
      const result = await this.app.sse('GET', `/api/v1/jobs/${jobId}/events`, null, onEvent, this.controller.signal);
      if (result.status >= 400) row.set(`failed: ${result.body?.error ?? result.status}`, 100, 'failed');
      else if (!finished) row.set('still ingesting: reload to follow it', undefined);
    } catch (error) {
      if (error?.name !== 'AbortError') row.set(`lost track of the job: ${error.message ?? error}`, undefined);
    }
  }

  async load() {
    const answer = await this.app.api('GET', `${this.base}/documents`);
    if (answer.status !== 200) {
      this.listNote.textContent = `Could not list documents: ${answer.body?.error ?? answer.status}`;
      return;
    }
    const documents = answer.body.documents ?? [];
    this.listNote.textContent = documents.length === 0 ? 'No documents yet.' : '';
    this.list.replaceChildren(...documents.map((doc) => this.documentRow(doc)));
  }

  documentRow(doc) {
    const app = this.app;
    const status = app.el('span', { class: `status ${doc.status}` }, doc.status);
    // One child per cell, so that the narrow layout's two columns hold the label and the value.
    const cell = (label, ...children) => app.el('td', { dataset: { label } }, app.el('div', {}, ...children));
    const name = cell('Name', ...(doc.title && doc.title !== doc.name
      ? [doc.name, app.el('br'), app.el('span', { class: 'muted' }, doc.title)] : [doc.name]));
    const statusCell = cell('Status', status, doc.error ? app.el('div', { class: 'error-text' }, doc.error) : null);
    const pin = app.el('button', { type: 'button', 'aria-pressed': doc.pinned ? 'true' : 'false',
                                   onclick: () => this.pin(doc, !doc.pinned) }, doc.pinned ? 'Unpin' : 'Pin');
    const remove = app.el('button', { type: 'button', class: 'danger', onclick: () => this.remove(doc) }, 'Delete');
    return app.el('tr', { testid: 'document', dataset: { name: doc.name, status: doc.status } },
      name, cell('Format', doc.format ?? ''), statusCell, cell('Pages', String(doc.pages ?? '')),
      cell('Pinned', doc.pinned ? 'yes' : 'no'), cell('Actions', app.el('div', { class: 'actions' }, pin, remove)));
  }

  async pin(doc, pinned) {
    const answer = await this.app.api('POST', `${this.base}/documents/${doc.id}/pin`, { pinned });
    if (answer.status !== 200) this.app.toast(answer.body?.error ?? `could not pin (${answer.status})`, 'error');
    await this.load();
  }

  async remove(doc) {
    if (!(await confirmDelete(this.app, doc.name))) return;
    const answer = await this.app.api('DELETE', `${this.base}/documents/${doc.id}`);
    if (answer.status >= 400) this.app.toast(answer.body?.error ?? `could not delete (${answer.status})`, 'error');
    else this.app.toast(`${doc.name} deleted`, 'ok');
    await this.load();
  }
}

// A modal <dialog> (focus stays inside; Escape cancels). Resolves to true
// when the user confirms.
function confirmDelete(app, name) {
  return new Promise((resolve) => {
    const cancel = app.el('button', { type: 'button' }, 'Cancel');
    const confirm = app.el('button', { type: 'button', class: 'danger' }, 'Delete');
    const dialog = app.el('dialog', { 'aria-labelledby': 'confirm-title', testid: 'confirm-dialog' },
      app.el('h2', { id: 'confirm-title' }, 'Delete this document?'),
      app.el('p', {}, `${name} and its passages will be removed from the workspace.`),
      app.el('div', { class: 'actions' }, cancel, confirm));
    const close = (answer) => { dialog.close(); dialog.remove(); resolve(answer); };
    cancel.addEventListener('click', () => close(false));
    confirm.addEventListener('click', () => close(true));
    dialog.addEventListener('cancel', (event) => { event.preventDefault(); close(false); });
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus();
  });
}

export async function mount(root, app, params) {
  const page = new DocumentsPage(root, app, params.slug);
  page.render();
  await page.load();
  return () => page.controller.abort();
}
