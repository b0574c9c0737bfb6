// The system page (#/system): memory facts and advice drawn from them, key
// numbers and the scheduler's recent load/unload events with their reasons
// (GET /api/v1/system, refreshed), and `hearth doctor`'s advice on which
// model size and quantization fit this machine (GET /api/v1/doctor, once).
import { h, clear, errorText, formatBytes, formatTime, memoryBar, section, table } from './ui_parts.js';

const kRefreshMs = 5000;

export async function mount(root, app) {
  const status = h(app, 'div', { testid: 'system-status' });
  const doctor = h(app, 'div', { testid: 'system-doctor' });
  root.appendChild(h(app, 'h1', {}, 'System'));
  root.appendChild(status);
  root.appendChild(section(app, 'What fits this machine (hearth doctor)', doctor));
  showDoctor(app, doctor);
  const load = async () => {
    let answer;
    try {
      answer = await app.api('GET', '/api/v1/system');
    } catch (error) {
      return showError(app, status, error?.message ?? String(error));
    }
    if (answer.status >= 400) return showError(app, status, errorText(answer));
    render(app, status, answer.body);
  };
  await load();
  const timer = setInterval(load, kRefreshMs);
  return () => clearInterval(timer);
}

function showError(app, status, message) {
  clear(status);
  status.appendChild(h(app, 'p', { class: 'error-text', role: 'alert' }, message));
}

function render(app, status, system) {
  const memory = system.memory ?? {};
  clear(status);
  status.appendChild(section(app, 'Advice', h(app, 'ul', { class: 'advice', testid: 'system-advice' },
    advice(memory, system.events ?? []).map((line) => h(app, 'li', {}, line)))));
  status.appendChild(section(app, 'Memory', memoryBar(app, memory)));
  status.appendChild(section(app, 'Key numbers', metrics(app, system)));
  status.appendChild(section(app, 'Recent model events', events(app, system.events ?? [])));
}

// Plain-language advice from the numbers the server gives.
function advice(memory, recent) {
  const lines = [];
  const budget = Number(memory.budget_bytes) || 0;
  const used = Number(memory.used_bytes) || 0;
  const share = budget > 0 ? used / budget : 0;
  if (share >= 0.9) {
    lines.push(`Loaded models hold ${Math.round(share * 100)} % of the memory budget: a new model will evict ` +
               'idle ones or be refused. Unload models you do not need, or use smaller quantizations.');
  } else {
    lines.push(`${formatBytes(budget - used)} of the ${formatBytes(budget)} budget is free for more models.`);
  }
  if (memory.machine_total_bytes && budget > memory.machine_total_bytes) {
    lines.push('The budget is larger than the machine’s RAM: lower --memory-budget to avoid swapping.');
  }
  const crashes = recent.filter((e) => e.kind === 'crash').length;
  const failures = recent.filter((e) => e.kind === 'load_failed').length;
  if (crashes) lines.push(`${crashes} runner crash(es) recently: see the events below and the server log.`);
  if (failures) lines.push(`${failures} load(s) failed recently: see the reasons below.`);
  lines.push('For which quantization fits this machine, run `hearth doctor --model NAME` on the server.');
  return lines;
}

function metrics(app, system) {
  const m = system.metrics ?? {};
  const facts = [
    ['Version', system.version ?? ''],
    ['Loaded models', m.loaded_models ?? 0],
    ['Requests being served', m.active_requests ?? 0],
    ['Loads (recent events)', m.loads ?? 0],
    ['Unloads (recent events)', m.unloads ?? 0],
    ['Failed loads (recent events)', m.load_failures ?? 0],
    ['Runner crashes (recent events)', m.crashes ?? 0],
  ];
  return h(app, 'dl', { class: 'facts', testid: 'system-metrics' },
           facts.map(([name, value]) => [h(app, 'dt', {}, name), h(app, 'dd', {}, String(value))]));
}

function events(app, list) {
  if (list.length === 0) return h(app, 'p', { class: 'muted' }, 'No model was loaded or unloaded yet.');
  const rows = [...list].reverse().map((event) => [
    formatTime(event.at),
    event.model,
    event.kind,
    event.reason,
    event.duration_ms ? `${event.duration_ms} ms` : '',
    event.bytes ? formatBytes(event.bytes) : '',
  ]);
  return table(app, ['When', 'Model', 'Event', 'Reason', 'Took', 'Memory'], rows, { testid: 'system-events' });
}

// The doctor's overview: per common size, the recommended quantization and
// its memory beside an embedder, with the server's budget.
async function showDoctor(app, container) {
  let answer;
  try {
    answer = await app.api('GET', '/api/v1/doctor');
  } catch (error) {
    answer = { status: 0, body: { error: error?.message ?? String(error) } };
  }
  if (answer.status !== 200) {
    container.appendChild(h(app, 'p', { class: 'error-text' }, `No advice: ${errorText(answer)}`));
    return;
  }
  const report = answer.body;
  const rows = report.advice.map((sized) => {
    const chosen = sized.rows.find((row) => row.type === sized.recommended);
    return [sized.model, sized.recommended ?? 'does not fit', chosen ? formatBytes(chosen.with_companions_bytes) : '—',
            sized.explanation];
  });
  container.append(
    h(app, 'p', {}, `Budget ${formatBytes(report.budget_bytes)}, context ${report.context} tokens, beside ` +
      `${report.companions.map((c) => `${c.name} (${formatBytes(c.bytes)})`).join(' and ')}. ` +
      (report.largest_comfortable ? `Largest comfortable size: ${report.largest_comfortable}.`
        : 'No common size fits comfortably.')),
    table(app, ['Size', 'Quantization', 'With the embedder', 'Why'], rows, { testid: 'system-doctor-table' }),
    h(app, 'p', { class: 'muted' }, 'For one model: hearth doctor --model NAME --ctx N on the server.'));
}
