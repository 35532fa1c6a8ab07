// 我的工作 (#/work): a workspace for each role the signed-in person holds now, and only those.
// Every action is a command built and signed here with the key kept in this browser (api.js
// signCommand: the canonical JSON and Ed25519 signature of FORMAT.md §6, as the redemption),
// after the form is checked (yuan to fen exactly, the document chosen, amounts in range). A
// refusal is said from its result code (i18n.js refusal); a refused command writes nothing.
// Documents are hashed here with SHA-256: only the hash is sent, the file stays on this machine.

import { ApiError, MaxBatchCommands, getJson, postCommand, postCommands, signCommand, signedGet, streamEntries } from './api.js';
import { fileSha256 } from './crypto.js';
import { fullAudit } from './fullaudit.js';
import { fundPolicyFieldset } from './fundpolicy.js';
import { handover } from './handover.js';
import { h, hash, money, moneyText, parseYuan, person, splitShares, table, time } from './dom.js';
import { refusal, t, term } from './i18n.js';
import { floorAreaForm, ownerVotes, votePolicyField } from './ownersvote.js';
import { awardPrice, laterVersions, policyApproval, policyKeeping, versionInForce } from './pointspolicy.js';
import { Activities } from './rules/households.js';
import { reconciliationForm, reconciliationsToCountersign } from './reconciliation.js';
import { ExpenseCategories } from './rules/projects.js';
import { session } from './session.js';
import { identity } from './signin.js';

const SignerRoles = ['ProjectManager', 'ConstructionSupervisor', 'OwnerRepresentative'];
const MilestoneAttesters = ['ProjectManager', 'ConstructionSupervisor'];
const Milestones = ['ProgressVerified', 'AcceptancePassed', 'WarrantyExpired'];

export async function renderWork(main) {
  const current = await session();
  if (!current?.person) {
    main.replaceChildren(h('h1', {}, t('nav.work')), identity(current),
      h('p', {}, h('a', { class: 'button primary', href: '#/signin' }, t('signin.in'))));
    return;
  }
  const projects = await Promise.all((await getJson('/v1/projects'))
    .map(p => getJson(`/v1/projects/${encodeURIComponent(p.projectId)}`)));
  const context = { key: current.key, person: current.person, projects, rerender: () => renderWork(main) };
  const roles = current.person.roles;
  main.replaceChildren(
    h('h1', {}, t('nav.work')),
    identity(current),
    h('div', { id: 'work-message', 'aria-live': 'polite' }),
    ...SignerRoles.filter(r => roles.includes(r)).map(role => inbox(context, role)),
    roles.includes('OwnerRepresentative') ? ownerVotes(context) : '',
    roles.includes('FinanceOfficer') ? finance(context) : '',
    roles.includes('ResidentSupervisor') ? await reversalsToApprove(context) : '',
    roles.includes('ResidentSupervisor') ? await policyApproval(context) : '',
    roles.includes('ResidentSupervisor') ? reconciliationsToCountersign(context) : '',
    roles.includes('ResidentSupervisor') || roles.includes('Auditor') ? fullAudit(context) : '',
    roles.includes('Registrar') ? await registrar(context) : '',
    roles.includes('VolunteerCoordinator') ? await coordinator(context) : '',
    roles.includes('Resident') ? h('section', { class: 'panel', id: 'resident-work' },
      h('h2', {}, term('Resident')), h('a', { class: 'button primary', href: '#/portal', id: 'to-portal' }, t('work.household'))) : '');
}

const AllRoles = ['FinanceOfficer', 'ProjectManager', 'ConstructionSupervisor', 'OwnerRepresentative', 'ResidentSupervisor',
  'VolunteerCoordinator', 'Resident', 'Registrar', 'Auditor'];
const Identifier = /^[A-Za-z0-9._-]{1,64}$/;

/** A public key as pasted: spaces and line breaks dropped, 32 bytes of lowercase hex, or null. */
function pastedPublicKey(text) {
  const key = text.replace(/\s+/g, '').toLowerCase();
  return /^[0-9a-f]{64}$/.test(key) ? key : null;
}

/** Signs and sends a command; says what happened in #work-message and, when accepted, renders the workspace anew. */
export async function act(context, type, body, done) {
  const message = document.getElementById('work-message');
  try {
    await postCommand(await signCommand(context.key, type, body));
  } catch (error) {
    message.replaceChildren(h('p', { class: 'error', role: 'alert', id: 'refusal', dataset: { code: error instanceof ApiError ? error.problem?.code ?? '' : '' } },
      t('work.refused'), refusal(error)));
    return false;
  }
  await context.rerender();
  document.getElementById('work-message').replaceChildren(h('p', { class: 'ok', role: 'status', id: 'accepted' }, done));
  return true;
}

/** A form's problem, said before anything is signed. */
export function formError(form, text) {
  form.querySelector('.form-error')?.remove();
  form.append(h('p', { class: 'error form-error', role: 'alert' }, text));
}

/** A button's action on its form: what the form said last is cleared first, as the button is pressed. */
export function onPress(button, form, action) {
  button.addEventListener('click', () => {
    form.querySelector('.form-error')?.remove();
    document.getElementById('work-message')?.replaceChildren();
    action();
  });
}

export function field(id, label, input) {
  input.id = id;
  return h('div', { class: 'form-row' }, h('label', { for: id }, label), input);
}

/** A file input that checks a document against a hash, here in the browser. */
export function hashCheck(expected, id) {
  const input = h('input', { type: 'file', id, 'aria-label': t('inbox.checkFile') });
  const result = h('span', { class: 'hash-check', 'aria-live': 'polite' });
  input.addEventListener('change', async () => {
    const actual = await fileSha256(input.files[0]);
    result.className = actual === expected ? 'hash-check ok' : 'hash-check error';
    result.dataset.match = String(actual === expected);
    result.textContent = actual === expected ? t('inbox.hashMatches') : t('inbox.hashDiffers', actual);
  });
  return h('div', { class: 'form-row' }, h('label', { for: id }, t('inbox.checkFile')), input, result);
}

// ── 待我签字: disbursements and milestones waiting for this role ─────────────────────────────

function waitingFor(projects, role) {
  const items = [];
  for (const project of projects.filter(p => p.status === 'Open')) {
    for (const d of project.disbursements.filter(d => d.status === 'Pending' && d.approvalsMissing.includes(role))) {
      items.push({ kind: 'disbursement', project, disbursement: d });
    }
    const next = MilestoneAttesters.includes(role) ? project.milestones.find(m => !m.reachedAt) : null;
    if (next && !next.attestedBy[role]) {
      items.push({ kind: 'milestone', project, milestone: next });
    }
  }
  return items;
}

function inbox(context, role) {
  const items = waitingFor(context.projects, role);
  return h('section', { class: 'panel inbox', id: `inbox-${role}`, dataset: { role } },
    h('h2', {}, t('inbox.title'), ' · ', term(role), ' ',
      h('span', { class: 'count', id: 'inbox-count', dataset: { count: String(items.length) }, 'aria-label': t('inbox.count', items.length) }, String(items.length))),
    items.length === 0 ? h('p', { class: 'muted', id: 'inbox-empty' }, t('inbox.empty')) :
      items.map(item => item.kind === 'disbursement' ? disbursementItem(context, role, item) : milestoneItem(context, role, item)));
}

function disbursementItem(context, role, { project, disbursement: d }) {
  const tranche = project.tranches.find(x => x.tranche === d.tranche);
  const reason = h('input', { type: 'text', maxlength: 200 });
  const approve = h('button', { type: 'button', class: 'button primary approve' }, t('inbox.approve'));
  const reject = h('button', { type: 'button', class: 'button reject' }, t('inbox.reject'));
  const card = h('article', { class: 'card waiting', dataset: { project: project.projectId, disbursement: String(d.disbursementId) } },
    h('h3', {}, `${project.name} · #${d.disbursementId} ${term(d.tranche)} `, money(d.amountFen)),
    h('dl', { class: 'kv' },
      h('dt', {}, t('project.payee')), h('dd', {}, d.payee),
      h('dt', {}, t('project.requestedBy')), h('dd', {}, person(d.requestedBy, project.staffNames)),
      h('dt', {}, t('project.cap')), h('dd', {}, money(tranche.cumulativeCapFen), ' · ', t('project.paid'), ' ', money(tranche.paidFen),
        ' · ', t('project.pending'), ' ', money(tranche.pendingFen), ' · ', tranche.unlocked ? t('project.yes') : t('project.no')),
      h('dt', {}, t('project.approvals')), h('dd', { class: 'approvals' },
        Object.entries(d.approvals).map(([r, id]) => h('div', {}, '✓ ', term(r), t('colon'), person(id, project.staffNames))),
        d.approvalsMissing.map(r => h('div', { class: 'muted' }, '○ ', term(r), t('colon'), t('inbox.notYet')))),
      h('dt', {}, t('project.invoiceHash')), h('dd', {}, hash(d.invoiceHash))),
    hashCheck(d.invoiceHash, `check-${project.projectId}-${d.disbursementId}`),
    field(`reason-${project.projectId}-${d.disbursementId}`, t('inbox.reason'), reason),
    h('div', { class: 'actions' }, approve, reject));
  onPress(approve, card, () => act(context, 'ApproveDisbursement',
    { projectId: project.projectId, disbursementId: d.disbursementId, role }, t('inbox.approved', d.disbursementId)));
  onPress(reject, card, () => {
    if (!reason.value.trim()) {
      formError(card, t('inbox.reasonNeeded'));
      return;
    }
    act(context, 'RejectDisbursement',
      { projectId: project.projectId, disbursementId: d.disbursementId, role, reason: reason.value.trim() }, t('inbox.rejected', d.disbursementId));
  });
  return card;
}

function milestoneItem(context, role, { project, milestone }) {
  const evidence = h('input', { type: 'file' });
  const attest = h('button', { type: 'button', class: 'button primary attest' }, t('inbox.attest'));
  const card = h('article', { class: 'card waiting', dataset: { project: project.projectId, milestone: milestone.milestone } },
    h('h3', {}, `${project.name} · ${t('inbox.milestone')} ${term(milestone.milestone)}`),
    h('dl', { class: 'kv' },
      h('dt', {}, t('project.attestedBy')), h('dd', {},
        MilestoneAttesters.map(r => h('div', { class: milestone.attestedBy[r] ? '' : 'muted' },
          milestone.attestedBy[r] ? '✓ ' : '○ ', term(r), t('colon'), milestone.attestedBy[r] ? person(milestone.attestedBy[r], project.staffNames) : t('inbox.notYet'))))),
    field(`evidence-${project.projectId}-${milestone.milestone}`, t('inbox.evidence'), evidence),
    h('div', { class: 'actions' }, attest));
  onPress(attest, card, async () => {
    if (!evidence.files[0]) {
      formError(card, t('work.documentNeeded'));
      return;
    }
    await act(context, 'AttestMilestone', {
      projectId: project.projectId, milestone: milestone.milestone, role, evidenceHash: await fileSha256(evidence.files[0]),
    }, t('inbox.attested', term(milestone.milestone)));
  });
  return card;
}

// ── 财务: receipts, disbursement requests, payments ─────────────────────────────────────────

export function projectSelect(projects, id) {
  return h('select', { id }, projects.filter(p => p.status === 'Open').map(p => h('option', { value: p.projectId }, p.name)));
}

function finance(context) {
  const open = context.projects.filter(p => p.status === 'Open');
  const byId = id => open.find(p => p.projectId === id);
  return h('section', { class: 'panel', id: 'finance' },
    h('h2', {}, term('FinanceOfficer')),
    openProjectForm(context),
    open.length === 0 ? h('p', { class: 'muted' }, t('project.none'))
      : [receiptForm(context, open, byId), campaignForm(context, open, byId), requestForm(context, open, byId), payList(context, open), reversalForm(context, open, byId), reconciliationForm(context, open),
        closeList(context, open), cancelForm(context, open, byId)]);
}

function receiptForm(context, open, byId) {
  const project = projectSelect(open, 'receipt-project');
  const source = h('select', {});
  const fillSources = () => source.replaceChildren(...byId(project.value).fundingSources
    .filter(s => s.source !== 'ResidentCrowdfunding')
    .map(s => h('option', { value: s.source }, `${term(s.source)}（${t('finance.room')} ${moneyText(s.plannedFen - s.receivedFen)}）`)));
  project.addEventListener('change', fillSources);
  fillSources();
  const amount = h('input', { type: 'text', inputmode: 'decimal', autocomplete: 'off' });
  const reference = h('input', { type: 'text', maxlength: 200 });
  const documentFile = h('input', { type: 'file' });
  const submit = h('button', { type: 'button', class: 'button primary', id: 'record-receipt' }, t('finance.record'));
  const form = h('form', { class: 'work-form', id: 'receipt-form', onsubmit: e => e.preventDefault() },
    h('h3', {}, t('finance.receipt')),
    field('receipt-project', t('portal.project'), project), field('receipt-source', t('project.source'), source),
    field('receipt-amount', t('finance.amountYuan'), amount), field('receipt-reference', t('project.reference'), reference),
    field('receipt-document', t('finance.document'), documentFile), submit);
  onPress(submit, form, async () => {
    const amountFen = parseYuan(amount.value);
    if (!amountFen) {
      return formError(form, t('work.badAmount'));
    }
    if (!documentFile.files[0]) {
      return formError(form, t('work.documentNeeded'));
    }
    const body = {
      projectId: project.value, source: source.value, amountFen, documentHash: await fileSha256(documentFile.files[0]),
      ...(reference.value.trim() ? { reference: reference.value.trim() } : {}),
    };
    await act(context, 'RecordReceipt', body, t('finance.recorded', moneyText(amountFen)));
  });
  return form;
}

function requestForm(context, open, byId) {
  const project = projectSelect(open, 'request-project');
  const tranche = h('select', {});
  const limits = h('p', { class: 'small', id: 'tranche-limits' });
  // The caps are cumulative (docs/ENTRIES.md RequestDisbursement): what the whole project has
  // paid and has pending counts against the cap of the tranche requested.
  const showLimits = () => {
    const p = byId(project.value);
    const tr = p.tranches.find(x => x.tranche === tranche.value);
    const committed = p.totals.paidFen + p.totals.pendingFen;
    limits.replaceChildren(t('finance.cumulativeCap'), ' ', money(tr.cumulativeCapFen), ' · ', t('finance.committed'), ' ', money(committed),
      ' · ', t('finance.available'), ' ', h('span', { id: 'tranche-available' }, money(Math.max(0, Math.min(tr.cumulativeCapFen - committed, p.totals.availableFen)))),
      tr.unlocked ? '' : h('strong', { class: 'error' }, ' ', t('finance.locked', term(tr.milestone))));
  };
  const fillTranches = () => {
    tranche.replaceChildren(...byId(project.value).tranches.map(tr => h('option', { value: tr.tranche }, term(tr.tranche))));
    showLimits();
  };
  // A project with restricted funds needs each request's category (docs/ENTRIES.md §"Restricted funds").
  const category = h('select', {});
  const categoryField = field('request-category', t('project.category'), category);
  const fillCategories = () => {
    const restricted = byId(project.value).fundDrawing !== null;
    category.replaceChildren(...(restricted ? [] : [h('option', { value: '' }, '—')]),
      ...ExpenseCategories.map(c => h('option', { value: c }, term(c))));
  };
  project.addEventListener('change', fillTranches);
  project.addEventListener('change', fillCategories);
  tranche.addEventListener('change', showLimits);
  fillTranches();
  fillCategories();
  const amount = h('input', { type: 'text', inputmode: 'decimal', autocomplete: 'off' });
  const payee = h('input', { type: 'text', maxlength: 200 });
  const invoice = h('input', { type: 'file' });
  const submit = h('button', { type: 'button', class: 'button primary', id: 'request-disbursement' }, t('finance.request'));
  const form = h('form', { class: 'work-form', id: 'request-form', onsubmit: e => e.preventDefault() },
    h('h3', {}, t('finance.requestTitle')),
    field('request-project', t('portal.project'), project), field('request-tranche', t('project.tranche'), tranche), limits, categoryField,
    field('request-amount', t('finance.amountYuan'), amount), field('request-payee', t('project.payee'), payee),
    field('request-invoice', t('finance.invoice'), invoice), submit);
  onPress(submit, form, async () => {
    const amountFen = parseYuan(amount.value);
    if (!amountFen) {
      return formError(form, t('work.badAmount'));
    }
    if (!payee.value.trim()) {
      return formError(form, t('finance.payeeNeeded'));
    }
    if (!invoice.files[0]) {
      return formError(form, t('work.documentNeeded'));
    }
    // The cap, the lock and the balance are the rules' to check (a refusal says which): the page
    // shows them beside the form, and does not second-guess the ledger.
    await act(context, 'RequestDisbursement', {
      projectId: project.value, tranche: tranche.value, amountFen, payee: payee.value.trim(), invoiceHash: await fileSha256(invoice.files[0]),
      ...(category.value ? { category: category.value } : {}),
    }, t('finance.requested', moneyText(amountFen)));
  });
  return form;
}

function payList(context, open) {
  const approved = open.flatMap(p => p.disbursements.filter(d => d.status === 'Pending' && d.approvalsMissing.length === 0).map(d => ({ project: p, d })));
  return h('div', { id: 'pay-list' },
    h('h3', {}, t('finance.payTitle')),
    approved.length === 0 ? h('p', { class: 'muted' }, t('project.none')) : approved.map(({ project, d }) => {
      const reference = h('input', { type: 'text', maxlength: 100 });
      const ownRequest = d.requestedBy === context.person.personId;
      const pay = h('button', { type: 'button', class: 'button primary pay', disabled: ownRequest }, t('finance.pay'));
      const card = h('article', { class: 'card', dataset: { project: project.projectId, disbursement: String(d.disbursementId) } },
        h('h4', {}, `${project.name} · #${d.disbursementId} ${term(d.tranche)} `, money(d.amountFen), ' → ', d.payee),
        field(`bank-${project.projectId}-${d.disbursementId}`, t('project.bankReference'), reference),
        pay, ownRequest ? h('p', { class: 'muted small why' }, t('finance.notOwn')) : '');
      onPress(pay, card, () => {
        if (!reference.value.trim()) {
          return formError(card, t('finance.referenceNeeded'));
        }
        return act(context, 'PayDisbursement', { projectId: project.projectId, disbursementId: d.disbursementId, bankReference: reference.value.trim() },
          t('finance.paid', d.disbursementId));
      });
      return card;
    }));
}

const Sources = ['GovernmentSubsidy', 'SocialCapital', 'ResidentCrowdfunding', 'SelfRaised'];
const Tranches = [['Progress', 60], ['Acceptance', 30], ['Warranty', 10]];

/** Opening a project: the plan by source must add up to the contract price, the tranches to 100%, all checked before signing. */
function openProjectForm(context) {
  const projectId = h('input', { type: 'text', autocomplete: 'off', placeholder: 'b4-elevator' });
  const name = h('input', { type: 'text', autocomplete: 'off' });
  const community = h('input', { type: 'text', autocomplete: 'off', value: context.projects[0]?.community ?? '' });
  const contract = h('input', { type: 'text', inputmode: 'decimal', autocomplete: 'off' });
  const plan = Object.fromEntries(Sources.map(source => [source, h('input', { type: 'text', inputmode: 'decimal', autocomplete: 'off', value: '0' })]));
  const cap = h('input', { type: 'number', min: 0, max: 100, step: 1, value: 30 });
  const warranty = h('input', { type: 'number', min: 0, max: 120, step: 1, value: 24 });
  const tranches = Object.fromEntries(Tranches.map(([tranche, percent]) => [tranche, h('input', { type: 'number', min: 0, max: 100, step: 1, value: percent })]));
  const sum = h('p', { class: 'small', id: 'plan-sum', 'aria-live': 'polite' });
  const fundPolicy = fundPolicyFieldset(Sources);
  const showSum = () => {
    const fen = Sources.map(source => parseYuan(plan[source].value));
    const contractFen = parseYuan(contract.value);
    const total = fen.every(x => x !== null) ? fen.reduce((a, b) => a + b, 0) : null;
    sum.dataset.balanced = String(total !== null && total === contractFen);
    sum.textContent = total === null ? t('work.badAmount') : t('finance.planSum', moneyText(total), contractFen === null ? '—' : moneyText(contractFen));
  };
  [contract, ...Object.values(plan)].forEach(input => input.addEventListener('input', showSum));
  showSum();
  const submit = h('button', { type: 'button', class: 'button', id: 'open-project' }, t('finance.openProject'));
  const votePolicy = votePolicyField();
  const form = h('details', { class: 'work-form', id: 'open-project-form' },
    h('summary', {}, t('finance.openTitle')),
    field('open-project-id', t('finance.projectId'), projectId), field('open-name', t('finance.projectName'), name),
    field('open-community', t('project.community'), community), field('open-contract', t('finance.contractYuan'), contract),
    h('fieldset', {}, h('legend', {}, t('project.funding')), Sources.map(source => field(`open-plan-${source}`, term(source), plan[source])), sum),
    field('open-cap', t('finance.capPercent'), cap), field('open-warranty', t('finance.warrantyMonths'), warranty),
    votePolicy.element,
    h('fieldset', {}, h('legend', {}, t('project.tranches')), Tranches.map(([tranche]) => field(`open-tranche-${tranche}`, `${term(tranche)} %`, tranches[tranche]))),
    fundPolicy.element, submit);
  onPress(submit, form, () => {
    const contractFen = parseYuan(contract.value);
    const fundingPlan = Object.fromEntries(Sources.map(source => [source, parseYuan(plan[source].value)]));
    const percents = Tranches.map(([tranche]) => Number(tranches[tranche].value));
    const capPercent = Number(cap.value);
    const months = Number(warranty.value);
    const policy = fundPolicy.policy();
    const problem = !Identifier.test(projectId.value.trim()) ? t('finance.badProjectId')
      : !name.value.trim() || !community.value.trim() ? t('finance.nameNeeded')
        : !contractFen || Object.values(fundingPlan).some(x => x === null) ? t('work.badAmount')
          : Object.values(fundingPlan).reduce((a, b) => a + b, 0) !== contractFen ? t('code.InvalidFundingPlan')
            : !Number.isInteger(capPercent) || capPercent < 0 || capPercent > 100 || fundingPlan.ResidentCrowdfunding * 100 > contractFen * capPercent ? t('code.ResidentShareAboveCap')
              : !Number.isInteger(months) || months < 0 || months > 120 ? t('finance.warrantyRange')
                : percents.some(x => !Number.isInteger(x) || x < 0) || percents.reduce((a, b) => a + b, 0) !== 100 ? t('code.InvalidTranches')
                  : typeof policy === 'string' ? policy : '';
    if (problem) {
      return formError(form, problem);
    }
    return act(context, 'OpenProject', {
      projectId: projectId.value.trim(), name: name.value.trim(), community: community.value.trim(), contractPriceFen: contractFen,
      ...votePolicy.body(),
      fundingPlan, warrantyMonths: months, residentShareCapPercent: capPercent,
      tranches: Tranches.map(([tranche], i) => ({ tranche, percent: percents[i] })), ...(policy ? { fundPolicy: policy } : {}),
    }, t('finance.opened', name.value.trim()));
  });
  return form;
}

/** The households of a campaign as typed: one "household floor" a line. Null when a line is not that. */
function parseHouseholds(text) {
  const lines = text.split(/\n+/).map(line => line.trim()).filter(Boolean);
  const households = lines.map(line => /^([A-Za-z0-9._-]{1,64})[\s,，]+(\d{1,3})$/.exec(line)).map(m => m && { householdId: m[1], floor: Number(m[2]) });
  return households.length > 0 && households.every(x => x && x.floor >= 1) && new Set(households.map(x => x.householdId)).size === households.length
    ? households : null;
}

/** Starting a campaign: each household's share is previewed, split here exactly as the ledger splits it, before signing. */
function campaignForm(context, open, byId) {
  const withoutCampaign = open.filter(p => !p.campaign);
  const project = projectSelect(withoutCampaign, 'campaign-project');
  const target = h('input', { type: 'text', inputmode: 'decimal', autocomplete: 'off' });
  const rule = h('select', {}, ['ByFloor', 'Flat'].map(r => h('option', { value: r }, term(r))));
  const households = h('textarea', { rows: 4, spellcheck: 'false', placeholder: 'b4-0101 1\nb4-0201 2' });
  const preview = h('div', { id: 'campaign-preview', 'aria-live': 'polite' });
  const plan = () => {
    const targetFen = parseYuan(target.value);
    const list = parseHouseholds(households.value);
    if (!targetFen || !list) {
      return null;
    }
    return { targetFen, list, shares: splitShares(targetFen, list.map(x => ({ householdId: x.householdId, weight: rule.value === 'ByFloor' ? x.floor : 1 }))) };
  };
  const showPreview = () => {
    const planned = plan();
    preview.replaceChildren(planned ? table([t('portal.household'), '#' + t('campaign.floor'), '#' + t('portal.share')],
      planned.shares.map(s => h('tr', { dataset: { household: s.householdId } },
        h('td', {}, s.householdId), h('td', { class: 'num' }, String(planned.list.find(x => x.householdId === s.householdId).floor)),
        h('td', { class: 'num share' }, money(s.shareFen))))) : '');
  };
  [target, rule, households].forEach(input => input.addEventListener('input', showPreview));
  const submit = h('button', { type: 'button', class: 'button', id: 'start-campaign' }, t('campaign.start'));
  const form = h('form', { class: 'work-form', id: 'campaign-form', onsubmit: e => e.preventDefault() },
    h('h3', {}, t('campaign.title')), h('p', { class: 'small muted' }, t('campaign.lead')),
    field('campaign-project', t('portal.project'), project), field('campaign-target', t('campaign.targetYuan'), target),
    field('campaign-rule', t('project.campaignRule'), rule), field('campaign-households', t('campaign.households'), households),
    preview, submit);
  onPress(submit, form, () => {
    if (!project.value) {
      return formError(form, t('code.CampaignAlreadyStarted'));
    }
    if (!parseYuan(target.value)) {
      return formError(form, t('work.badAmount'));
    }
    const planned = plan();
    if (!planned) {
      return formError(form, t('campaign.badHouseholds'));
    }
    const crowdfunding = byId(project.value).fundingSources.find(s => s.source === 'ResidentCrowdfunding');
    if (planned.targetFen > (crowdfunding?.plannedFen ?? 0)) {
      return formError(form, t('code.CampaignTargetBeyondPlan'));
    }
    return act(context, 'StartCampaign', {
      projectId: project.value, targetFen: planned.targetFen, rule: rule.value,
      households: planned.list.map(x => ({ householdId: x.householdId, floor: x.floor })),
    }, t('campaign.started', planned.list.length));
  });
  return form;
}

/** Closing a project; the rules say when it cannot be closed yet (a refusal from its code). */
function closeList(context, open) {
  return h('div', { class: 'work-form', id: 'close-list' },
    h('h3', {}, t('finance.closeTitle')),
    open.map(project => {
      const close = h('button', { type: 'button', class: 'button close-project', dataset: { project: project.projectId } }, t('finance.close', project.name));
      const row = h('div', { class: 'actions' }, close);
      onPress(close, row, () => act(context, 'CloseProject', { projectId: project.projectId }, t('finance.closed', project.name)));
      return row;
    }));
}

/**
 * Each household's net crowdfunding payment to a project, read from its public stream, for the
 * households that paid: the refunds a cancellation makes, in ordinal order as the rules list them.
 */
async function paidHouseholds(projectId) {
  const { entries } = await streamEntries(`project/${projectId}`);
  const paid = new Map();
  for (const e of entries.filter(e => e.type === 'ContributionReceived' || e.type === 'ContributionRefunded')) {
    const { householdId, amountFen } = e.entry.body;
    paid.set(householdId, (paid.get(householdId) ?? 0) + (e.type === 'ContributionReceived' ? amountFen : -amountFen));
  }
  return new Map([...paid].filter(([, fen]) => fen > 0).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Cancelling a project, with its reason: what it refunds, and to how many households, is said
 * before anything is signed, and signed only when confirmed. The rules refuse a project with a
 * payment pending or made (a refusal from its code).
 */
function cancelForm(context, open, byId) {
  const project = projectSelect(open, 'cancel-project');
  const reason = h('input', { type: 'text', maxlength: 200 });
  const start = h('button', { type: 'button', class: 'button', id: 'cancel-project-start' }, t('finance.cancelStart'));
  const confirm = h('div', { id: 'cancel-confirm' });
  const form = h('form', { class: 'work-form', id: 'cancel-form', onsubmit: e => e.preventDefault() },
    h('h3', {}, t('finance.cancelTitle')), h('p', { class: 'small muted' }, t('finance.cancelLead')),
    field('cancel-project', t('portal.project'), project), field('cancel-reason', t('project.reason'), reason), start, confirm);
  project.addEventListener('change', () => confirm.replaceChildren());
  onPress(start, form, async () => {
    confirm.replaceChildren();
    if (!reason.value.trim()) {
      return formError(form, t('registrar.reasonNeeded'));
    }
    const chosen = byId(project.value);
    const refunds = await paidHouseholds(chosen.projectId);
    const refundedFen = [...refunds.values()].reduce((sum, fen) => sum + fen, 0);
    const yes = h('button', { type: 'button', class: 'button primary', id: 'cancel-project-confirm' }, t('finance.cancelConfirm'));
    const no = h('button', { type: 'button', class: 'button', id: 'cancel-project-back' }, t('finance.cancelBack'));
    no.addEventListener('click', () => confirm.replaceChildren());
    onPress(yes, form, () => {
      if (!reason.value.trim()) {
        return formError(form, t('registrar.reasonNeeded'));
      }
      // Confirmed once: a second press would sign a second command.
      yes.disabled = true;
      return act(context, 'CancelProject', { projectId: chosen.projectId, reason: reason.value.trim(), refunds: [...refunds.keys()] },
        t('finance.cancelled', chosen.name, refunds.size));
    });
    confirm.replaceChildren(h('div', { class: 'card waiting', id: 'cancel-warning' },
      h('p', { class: 'error' }, t('finance.cancelWarning', chosen.name, refunds.size, moneyText(refundedFen))),
      h('div', { class: 'actions' }, yes, no)));
    yes.focus();
  });
  return form;
}

/** Proposing a reversal of a receipt or a payment not yet reversed nor proposed for reversal. */
function reversalForm(context, open, byId) {
  const project = projectSelect(open, 'reversal-project');
  const entry = h('select', {});
  const fillEntries = () => {
    const p = byId(project.value);
    const proposed = new Set(p.reversals.map(r => r.entrySequence));
    entry.replaceChildren(
      ...p.receipts.filter(r => !r.reversed && !proposed.has(r.sequence))
        .map(r => h('option', { value: String(r.sequence) }, `#${r.sequence} ${term('Receipt')} ${term(r.source)} ${moneyText(r.amountFen)}`)),
      ...p.disbursements.filter(d => d.status === 'Paid' && !proposed.has(d.paidSequence))
        .map(d => h('option', { value: String(d.paidSequence) }, `#${d.paidSequence} ${term('Payment')} ${term(d.tranche)} ${moneyText(d.amountFen)}`)));
  };
  project.addEventListener('change', fillEntries);
  fillEntries();
  const reason = h('input', { type: 'text', maxlength: 200 });
  const submit = h('button', { type: 'button', class: 'button', id: 'propose-reversal' }, t('finance.propose'));
  const form = h('form', { class: 'work-form', id: 'reversal-form', onsubmit: e => e.preventDefault() },
    h('h3', {}, t('finance.reversalTitle')), h('p', { class: 'small muted' }, t('finance.reversalLead')),
    field('reversal-project', t('portal.project'), project), field('reversal-entry', t('project.reversalOf'), entry),
    field('reversal-reason', t('project.reason'), reason), submit);
  onPress(submit, form, () => {
    if (!entry.value) {
      return formError(form, t('finance.nothingToReverse'));
    }
    if (!reason.value.trim()) {
      return formError(form, t('registrar.reasonNeeded'));
    }
    return act(context, 'ProposeReversal', { projectId: project.value, entrySequence: Number(entry.value), reason: reason.value.trim() },
      t('finance.proposed', entry.value));
  });
  return form;
}

// ── 居民监督员: reversals waiting for approval ─────────────────────────────────────────────

async function reversalsToApprove(context) {
  const waiting = context.projects.flatMap(p => p.reversals.filter(r => !r.approved).map(r => ({ project: p, r })));
  // The reason is in the proposal's entry: read from the project's public stream.
  const reasons = new Map();
  for (const projectId of new Set(waiting.map(w => w.project.projectId))) {
    const { entries } = await streamEntries(`project/${projectId}`);
    entries.filter(e => e.type === 'ReversalProposed').forEach(e => reasons.set(`${projectId}/${e.sequence}`, e.entry.body.reason));
  }
  return h('section', { class: 'panel', id: 'supervisor' },
    h('h2', {}, term('ResidentSupervisor'), ' · ', t('supervisor.reversals'), ' ',
      h('span', { class: 'count', id: 'reversal-count', dataset: { count: String(waiting.length) } }, String(waiting.length))),
    waiting.length === 0 ? h('p', { class: 'muted' }, t('project.none')) : waiting.map(({ project, r }) => {
      const approve = h('button', { type: 'button', class: 'button primary approve-reversal' }, t('supervisor.approve'));
      const card = h('article', { class: 'card waiting', dataset: { project: project.projectId, reversal: String(r.reversalId) } },
        h('h3', {}, `${project.name} · #${r.reversalId} ${term(r.kind)} `, money(r.amountFen)),
        h('dl', { class: 'kv' },
          h('dt', {}, t('project.reversalOf')), h('dd', {}, `#${r.entrySequence}`),
          h('dt', {}, t('project.proposedBy')), h('dd', {}, person(r.proposedBy, project.staffNames)),
          h('dt', {}, t('project.reason')), h('dd', { class: 'reason' }, reasons.get(`${project.projectId}/${r.reversalId}`) ?? '')),
        h('div', { class: 'actions' }, approve));
      onPress(approve, card, () => act(context, 'ApproveReversal', { projectId: project.projectId, reversalId: r.reversalId },
        t('supervisor.approved', r.reversalId)));
      return card;
    }));
}

// ── 街道管理员: people, keys and roles ─────────────────────────────────────────────────────

async function registrar(context) {
  const people = await signedGet(context.key, '/v1/registry/people');
  return h('section', { class: 'panel', id: 'registrar' },
    h('h2', {}, term('Registrar')),
    registerForm(context),
    await floorAreaForm(context),
    peopleList(context, people));
}

function roleBoxes(prefix) {
  return h('fieldset', { class: 'roles' }, h('legend', {}, t('signin.roles')),
    AllRoles.map(role => h('label', { class: 'role' }, h('input', { type: 'checkbox', value: role, id: `${prefix}-${role}` }), ' ', term(role))));
}

function registerForm(context) {
  const personId = h('input', { type: 'text', autocomplete: 'off' });
  const displayName = h('input', { type: 'text', autocomplete: 'off' });
  const household = h('input', { type: 'text', autocomplete: 'off', placeholder: 'b3-0602' });
  const publicKey = h('textarea', { rows: 2, autocomplete: 'off', spellcheck: 'false' });
  const roles = roleBoxes('register-role');
  const submit = h('button', { type: 'button', class: 'button primary', id: 'register-person' }, t('registrar.register'));
  const made = handover({
    person: () => (!Identifier.test(personId.value.trim()) ? t('signin.badPersonId')
      : !displayName.value.trim() ? t('registrar.nameNeeded')
        : { personId: personId.value.trim(), displayName: displayName.value.trim() }),
    publicKey, lock: [personId, displayName], problem: text => formError(form, text),
  });
  const form = h('form', { class: 'work-form', id: 'register-form', onsubmit: e => e.preventDefault() },
    h('h3', {}, t('registrar.registerTitle')), h('p', { class: 'small muted' }, t('registrar.registerLead')),
    field('register-person-id', t('portal.personId'), personId), field('register-name', t('registrar.name'), displayName),
    roles, field('register-household', t('portal.household'), household),
    field('register-public-key', t('portal.publicKey'), publicKey), made.button, made.output, submit);
  onPress(submit, form, () => {
    const chosen = [...roles.querySelectorAll('input:checked')].map(box => box.value);
    const key = pastedPublicKey(publicKey.value);
    const id = personId.value.trim();
    const householdId = household.value.trim();
    const problem = !Identifier.test(id) ? t('signin.badPersonId')
      : !displayName.value.trim() ? t('registrar.nameNeeded')
        : chosen.length === 0 ? t('registrar.roleNeeded')
          : chosen.includes('Resident') !== (householdId !== '') ? t(chosen.includes('Resident') ? 'code.HouseholdRequired' : 'code.HouseholdNotAllowed')
            : householdId && !Identifier.test(householdId) ? t('registrar.badHousehold')
              : !key ? t('code.InvalidPublicKey') : '';
    if (problem) {
      return formError(form, problem);
    }
    return act(context, 'RegisterPerson', {
      personId: id, displayName: displayName.value.trim(), publicKey: key, roles: chosen, ...(householdId ? { householdId } : {}),
    }, t('registrar.registered', displayName.value.trim()));
  });
  return form;
}

function peopleList(context, people) {
  const search = h('input', { type: 'search', id: 'people-search', autocomplete: 'off' });
  const list = h('div', { id: 'people' });
  const show = () => {
    const words = search.value.trim().toLowerCase();
    list.replaceChildren(...people
      .filter(p => !words || [p.personId, p.displayName, p.householdId ?? '', ...p.roles.map(term)].some(x => x.toLowerCase().includes(words)))
      .map(p => personCard(context, p)));
  };
  search.addEventListener('input', show);
  show();
  return h('div', { class: 'work-form' },
    h('h3', {}, t('registrar.people', people.length)),
    h('div', { class: 'form-row' }, h('label', { for: 'people-search' }, t('registrar.search')), search),
    list);
}

function personCard(context, person) {
  const id = person.personId;
  const grant = h('select', { 'aria-label': t('registrar.grant') }, AllRoles.filter(r => !person.roles.includes(r)).map(r => h('option', { value: r }, term(r))));
  const grantHousehold = h('input', { type: 'text', placeholder: 'b3-0602', size: 10, 'aria-label': t('portal.household') });
  const grantButton = h('button', { type: 'button', class: 'button grant' }, t('registrar.grant'));
  const newKey = h('textarea', { rows: 2, spellcheck: 'false', 'aria-label': t('registrar.newKey') });
  const addKey = h('button', { type: 'button', class: 'button add-key' }, t('registrar.addKey'));
  const reason = h('input', { type: 'text', 'aria-label': t('registrar.reason'), placeholder: t('registrar.reason') });
  const madeKey = handover({ person: () => ({ personId: id, displayName: person.displayName }), publicKey: newKey, problem: text => formError(card, text) });
  const card = h('details', { class: 'card person', dataset: { person: id } },
    h('summary', {}, h('strong', {}, person.displayName), ' ', h('code', {}, id), ' · ', person.roles.map(term).join('、'),
      person.householdId ? ` · ${person.householdId}` : ''));
  card.append(
    h('ul', { class: 'held-roles' }, person.roles.map(role => {
      const revoke = h('button', { type: 'button', class: 'button revoke-role', dataset: { role } }, t('registrar.revokeRole'));
      onPress(revoke, card, () => act(context, 'RevokeRole', { personId: id, role }, t('registrar.roleRevoked', term(role))));
      return h('li', {}, term(role), ' ', revoke);
    })),
    h('div', { class: 'actions' }, grant, grantHousehold, grantButton),
    h('ul', { class: 'keys' }, person.keys.map(k => {
      const revoke = h('button', { type: 'button', class: 'button revoke-key', dataset: { key: k.keyId }, disabled: k.revoked }, t('registrar.revokeKey'));
      onPress(revoke, card, () => reason.value.trim()
        ? act(context, 'RevokeKey', { personId: id, keyId: k.keyId, reason: reason.value.trim() }, t('registrar.keyRevoked', k.keyId))
        : formError(card, t('registrar.reasonNeeded')));
      return h('li', { class: k.revoked ? 'muted' : '' }, hash(k.keyId), k.revoked ? ` ${t('registrar.revoked')}` : '', ' ', revoke);
    })),
    h('div', { class: 'form-row' }, reason),
    h('div', { class: 'form-row' }, newKey, addKey),
    madeKey.button, madeKey.output);
  onPress(grantButton, card, () => {
    const role = grant.value;
    const householdId = grantHousehold.value.trim();
    if (role === 'Resident' && !Identifier.test(householdId)) {
      return formError(card, t('code.HouseholdRequired'));
    }
    return act(context, 'GrantRole', { personId: id, role, ...(role === 'Resident' ? { householdId } : {}) }, t('registrar.roleGranted', term(role)));
  });
  onPress(addKey, card, () => {
    const key = pastedPublicKey(newKey.value);
    return key ? act(context, 'AddKey', { personId: id, publicKey: key }, t('registrar.keyAdded')) : formError(card, t('code.InvalidPublicKey'));
  });
  return card;
}

// ── 志愿服务组织者: points for many households at once, the redemption queue ────────────────

async function coordinator(context) {
  const policy = await getJson('/v1/points-policy');
  return h('section', { class: 'panel', id: 'coordinator' },
    h('h2', {}, term('VolunteerCoordinator')),
    awardForm(context, policy),
    policyKeeping(context, policy),
    await redemptionQueue(context),
    await catalogKeeping(context));
}

/**
 * Points for many households at once. With a points policy in force the points follow from it
 * (docs/ENTRIES.md "Points policy"): only the activities it prices are offered, and the page
 * shows what the quantity earns and by which version instead of a number to type; the cap is the
 * ledger's to check, household by household, each refusal said on that household's line.
 */
function awardForm(context, policy) {
  const version = versionInForce(policy);
  const households = h('textarea', { rows: 3, autocomplete: 'off', spellcheck: 'false', placeholder: 'b1-0101 b1-0102 …' });
  const activity = h('select', {}, (version ? version.rates.map(r => r.activity) : Activities).map(a => h('option', { value: a }, term(a))));
  const quantity = h('input', { type: 'number', min: 1, max: 10000, step: 1, value: 1 });
  const points = h('input', { type: 'number', min: 1, max: 100000, step: 1, value: 10 });
  const priced = h('output', { for: 'award-activity award-quantity', 'aria-live': 'polite' });
  const price = () => {
    const count = Number(quantity.value);
    const award = Number.isInteger(count) && count >= 1 ? awardPrice(version, activity.value, count) : null;
    priced.dataset.points = award ? String(award.points) : '';
    priced.textContent = award ? award.text : t('coordinator.quantityRange');
    return award?.points;
  };
  if (version) {
    activity.addEventListener('change', price);
    quantity.addEventListener('input', price);
    price();
  }
  const reference = h('input', { type: 'text', autocomplete: 'off', placeholder: '2026-07-垃圾分类日' });
  const progress = h('progress', { id: 'award-progress', max: 1, value: 0, hidden: true });
  const results = h('ul', { id: 'award-results', class: 'small' });
  const submit = h('button', { type: 'button', class: 'button primary', id: 'award-points' }, t('coordinator.award'));
  const form = h('form', { class: 'work-form', id: 'award-form', onsubmit: e => e.preventDefault() },
    h('h3', {}, t('coordinator.awardTitle')), h('p', { class: 'small muted' }, t('coordinator.awardLead')),
    field('award-households', t('coordinator.households'), households), field('award-activity', t('coordinator.activity'), activity),
    field('award-quantity', t('portal.quantity'), quantity),
    version ? field('award-priced', t('coordinator.points'), priced) : field('award-points-each', t('coordinator.points'), points),
    laterVersions(policy).map(v => h('p', { class: 'small muted later-version' }, t('policy.later', v.version, time(v.effectiveFrom).textContent))),
    field('award-reference', t('coordinator.reference'), reference), submit, progress, results);
  onPress(submit, form, async () => {
    const ids = [...new Set(households.value.split(/[\s,，、]+/).filter(Boolean))];
    const count = Number(quantity.value);
    const each = version ? price() : Number(points.value);
    const problem = ids.length === 0 ? t('coordinator.householdsNeeded')
      : ids.find(id => !Identifier.test(id)) ? t('registrar.badHousehold')
        : !Number.isInteger(count) || count < 1 || count > 10000 ? t('coordinator.quantityRange')
          : !Number.isInteger(each) || each < 1 || each > 100000 ? t('code.PointsOutOfRange')
            : !reference.value.trim() ? t('coordinator.referenceNeeded') : '';
    if (problem) {
      return formError(form, problem);
    }
    submit.disabled = true;
    progress.hidden = false;
    progress.max = ids.length;
    progress.value = 0;
    results.replaceChildren();
    let done = 0;
    // One batch per MaxBatchCommands households: one round trip, each household's result its own.
    for (let start = 0; start < ids.length; start += MaxBatchCommands) {
      const chunk = ids.slice(start, start + MaxBatchCommands);
      const lines = chunk.map(householdId => h('li', { dataset: { household: householdId } }, `${householdId}：`));
      results.append(...lines);
      let answers;
      try {
        answers = await postCommands(await Promise.all(chunk.map(householdId => {
          const body = { householdId, activity: activity.value, quantity: count, points: each, reference: reference.value.trim() };
          // One idempotency key per household and event: pressing again after a network failure
          // re-sends each command under its key, and the ledger writes none of them twice.
          return signCommand(context.key, 'AwardPoints', body, `award/${body.reference}/${householdId}`.slice(0, 128));
        })));
      } catch (error) {
        answers = chunk.map(() => error);
      }
      lines.forEach((line, i) => {
        const answer = answers[i];
        if (answer instanceof Error) {
          line.classList.add('error');
          line.dataset.status = 'refused';
          line.append(refusal(answer));
          return;
        }
        line.classList.add('ok');
        line.dataset.status = answer.replayed ? 'replayed' : 'awarded';
        line.append(t(answer.replayed ? 'coordinator.already' : 'coordinator.awarded', each), version ? ` · ${t('policy.versionN', version.version)}` : '');
        done++;
      });
      progress.value += chunk.length;
    }
    submit.disabled = false;
    results.prepend(h('li', { id: 'award-summary', dataset: { done: String(done), total: String(ids.length) } }, t('coordinator.summary', done, ids.length)));
  });
  return form;
}

/** Reserved redemptions: the households named by the public catalog stream's ItemReserved entries, read one by one. */
async function redemptionQueue(context) {
  const { entries } = await streamEntries('catalog');
  const households = [...new Set(entries.filter(e => e.type === 'ItemReserved').map(e => e.entry.body.householdId))];
  const catalog = await getJson('/v1/catalog');
  const waiting = [];
  for (const householdId of households) {
    const household = await signedGet(context.key, `/v1/households/${encodeURIComponent(householdId)}`);
    waiting.push(...household.redemptions.filter(r => r.status === 'Reserved').map(r => ({ householdId, r })));
  }
  return h('div', { class: 'work-form', id: 'redemption-queue' },
    h('h3', {}, t('coordinator.queue'), ' ', h('span', { class: 'count', id: 'queue-count', dataset: { count: String(waiting.length) } }, String(waiting.length))),
    waiting.length === 0 ? h('p', { class: 'muted' }, t('project.none')) : waiting.map(({ householdId, r }) => {
      const fulfil = h('button', { type: 'button', class: 'button primary fulfil' }, t('coordinator.fulfil'));
      const cancel = h('button', { type: 'button', class: 'button cancel' }, t('coordinator.cancel'));
      const reason = h('input', { type: 'text', placeholder: t('registrar.reason'), 'aria-label': t('registrar.reason') });
      const card = h('article', { class: 'card', dataset: { household: householdId, redemption: String(r.redemptionId) } },
        h('h4', {}, `${householdId} · #${r.redemptionId} `, catalog.find(i => i.itemId === r.itemId)?.name ?? r.itemId, ` × ${r.quantity}（${r.points} ${t('portal.points')}）`),
        h('div', { class: 'actions' }, fulfil, reason, cancel));
      onPress(fulfil, card, () => act(context, 'FulfilRedemption', { householdId, redemptionId: r.redemptionId }, t('coordinator.fulfilled', r.redemptionId)));
      onPress(cancel, card, () => reason.value.trim()
        ? act(context, 'CancelRedemption', { householdId, redemptionId: r.redemptionId, reason: reason.value.trim() }, t('coordinator.cancelled', r.redemptionId))
        : formError(card, t('registrar.reasonNeeded')));
      return card;
    }));
}

const ItemKinds = ['PropertyFeeReduction', 'HouseholdService', 'Goods', 'Tickets'];

/** The catalog: add an item, restock or withdraw one. */
async function catalogKeeping(context) {
  const catalog = await getJson('/v1/catalog');
  const itemId = h('input', { type: 'text', autocomplete: 'off', placeholder: 'soap-2026' });
  const name = h('input', { type: 'text', autocomplete: 'off' });
  const kind = h('select', {}, ItemKinds.map(k => h('option', { value: k }, term(k))));
  const price = h('input', { type: 'number', min: 1, step: 1, value: 10 });
  const stock = h('input', { type: 'number', min: 0, step: 1, placeholder: t('portal.unlimited') });
  const add = h('button', { type: 'button', class: 'button', id: 'add-item' }, t('catalog.add'));
  const form = h('div', { class: 'work-form', id: 'catalog-keeping' },
    h('h3', {}, t('portal.catalog')),
    catalog.map(item => {
      const quantity = h('input', { type: 'number', min: 1, step: 1, value: 10, 'aria-label': t('portal.quantity'), class: 'quantity' });
      const restock = h('button', { type: 'button', class: 'button restock', disabled: item.withdrawn || item.stock === null }, t('catalog.restock'));
      const withdraw = h('button', { type: 'button', class: 'button withdraw', disabled: item.withdrawn }, t('catalog.withdraw'));
      const row = h('article', { class: 'card', dataset: { item: item.itemId } },
        h('h4', {}, item.name, ' · ', `${item.pricePoints} ${t('portal.points')}`, ' · ', t('portal.stock'), ' ',
          item.stock === null ? t('portal.unlimited') : String(item.stock), item.withdrawn ? ` · ${t('portal.withdrawn')}` : ''),
        h('div', { class: 'actions' }, quantity, restock, withdraw));
      onPress(restock, row, () => {
        const count = Number(quantity.value);
        return Number.isInteger(count) && count >= 1
          ? act(context, 'RestockCatalogItem', { itemId: item.itemId, quantity: count }, t('catalog.restocked', item.name, count))
          : formError(row, t('catalog.quantityNeeded'));
      });
      onPress(withdraw, row, () => act(context, 'WithdrawCatalogItem', { itemId: item.itemId }, t('catalog.withdrawn', item.name)));
      return row;
    }),
    h('h4', {}, t('catalog.addTitle')),
    field('item-id', t('catalog.itemId'), itemId), field('item-name', t('portal.item'), name), field('item-kind', t('portal.kind'), kind),
    field('item-price', t('portal.price'), price), field('item-stock', t('portal.stock'), stock), add);
  onPress(add, form, () => {
    const points = Number(price.value);
    const count = stock.value === '' ? null : Number(stock.value);
    const problem = !Identifier.test(itemId.value.trim()) ? t('catalog.badItemId')
      : !name.value.trim() ? t('catalog.nameNeeded')
        : !Number.isInteger(points) || points < 1 ? t('catalog.priceNeeded')
          : count !== null && (!Number.isInteger(count) || count < 0) ? t('catalog.quantityNeeded') : '';
    if (problem) {
      return formError(form, problem);
    }
    return act(context, 'AddCatalogItem', {
      itemId: itemId.value.trim(), name: name.value.trim(), kind: kind.value, pricePoints: points, ...(count === null ? {} : { stock: count }),
    }, t('catalog.added', name.value.trim()));
  });
  return form;
}
