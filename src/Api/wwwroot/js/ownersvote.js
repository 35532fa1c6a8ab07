// 业主表决 (docs/ENTRIES.md "The owners' vote"), in the page for each role it concerns: the
// registrar records a household's exclusive floor area, the finance officer asks for a passed vote
// before the campaign, the owner representative opens and closes a vote, a resident votes for the
// household from the phone, and anyone reads each vote's question, scope and, once closed, its
// tally and result. A household's choice is shown only where the ledger lets its reader see it:
// the household's own view, never the project's.

import { getJson, signedGet, streamEntries } from './api.js';
import { beijingInput, fromBeijing, h, table, time } from './dom.js';
import { t, term } from './i18n.js';
import { isIdentifier } from './rules/fields.js';
import { Choices, Matters, readPolicy } from './rules/votes.js';
import { act, field, formError, onPress } from './work.js';

const MaxFloorAreaHundredths = 10_000_000;
const MaxQuestion = 200;
const MaxScope = 10_000;

/**
 * Square metres as typed ("89.36", "120", "0.5") to integer hundredths, exactly: the digits are
 * read as text and put together as integers, never through a floating-point number. Null for
 * anything else.
 */
function parseArea(text) {
  const match = /^(\d{1,6})(?:\.(\d{1,2}))?$/.exec(String(text).trim());
  return match ? Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0')) : null;
}

/** Hundredths of a square metre as square metres with two decimals, "89.36". */
function squareMetres(hundredths) {
  return `${Math.floor(hundredths / 100)}.${String(hundredths % 100).padStart(2, '0')}`;
}

const byId = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

/** Household ids as typed, any separators: distinct and sorted as the rules want the scope (ordinal order). */
function householdIds(text) {
  return [...new Set(text.split(/[\s,，、;；]+/).filter(Boolean))].sort(byId);
}

// ── 街道管理员: the floor area of a household ──────────────────────────────────────────────

/** Every entry of the registry stream, read with the registrar's signature, page by page. */
async function registryEntries(key) {
  const entries = [];
  for (let from = 0; from !== null;) {
    const page = await signedGet(key, `/v1/entries?stream=registry&from=${from}&limit=1000`);
    entries.push(...page.entries);
    from = page.next;
  }
  return entries;
}

/** Recording, or correcting, a household's 专有部分面积 in m² with two decimals; the area the registry holds now shown as the id is typed. */
export async function floorAreaForm(context) {
  const recorded = new Map((await registryEntries(context.key)).filter(e => e.type === 'FloorAreaRecorded')
    .map(e => [e.entry.body.householdId, e.entry.body.floorAreaHundredths]));
  const household = h('input', { type: 'text', autocomplete: 'off', placeholder: 'b3-0602' });
  const area = h('input', { type: 'text', inputmode: 'decimal', autocomplete: 'off', placeholder: '89.36' });
  const current = h('p', { class: 'small', id: 'floor-area-current', 'aria-live': 'polite' });
  const showCurrent = () => {
    const hundredths = recorded.get(household.value.trim());
    current.dataset.hundredths = hundredths === undefined ? '' : String(hundredths);
    current.textContent = hundredths === undefined ? t('vote.areaNone') : t('vote.areaNow', squareMetres(hundredths));
  };
  household.addEventListener('input', showCurrent);
  showCurrent();
  const submit = h('button', { type: 'button', class: 'button primary', id: 'record-floor-area' }, t('vote.recordArea'));
  const form = h('form', { class: 'work-form', id: 'floor-area-form', onsubmit: e => e.preventDefault() },
    h('h3', {}, t('vote.areaTitle')), h('p', { class: 'small muted' }, t('vote.areaLead')),
    field('floor-area-household', t('portal.household'), household), current,
    field('floor-area-m2', t('vote.areaM2'), area), submit);
  onPress(submit, form, () => {
    const householdId = household.value.trim();
    const hundredths = parseArea(area.value);
    const problem = !isIdentifier(householdId) ? t('registrar.badHousehold')
      : hundredths === null || hundredths < 1 || hundredths > MaxFloorAreaHundredths ? t('code.FloorAreaOutOfRange') : '';
    if (problem) {
      return formError(form, problem);
    }
    return act(context, 'RecordFloorArea', { householdId, floorAreaHundredths: hundredths },
      t('vote.areaRecorded', householdId, squareMetres(hundredths)));
  });
  return form;
}

// ── 财务: the project's vote policy ────────────────────────────────────────────────────────

/** The open-project form's vote policy: a box to tick; the thresholds are art. 278's defaults, said beside it. */
export function votePolicyField() {
  const box = h('input', { type: 'checkbox', id: 'open-vote-required' });
  return {
    element: h('fieldset', { id: 'open-vote-policy' }, h('legend', {}, t('vote.title')),
      h('label', { for: 'open-vote-required' }, box, ' ', t('vote.requiresVote')),
      h('p', { class: 'small muted' }, thresholds(readPolicy({ campaignRequiresVote: true }), null))),
    /** OpenProject's votePolicy member, or nothing when no vote is asked for. */
    body: () => (box.checked ? { votePolicy: { campaignRequiresVote: true } } : {}),
  };
}

// ── 业主代表: opening and closing a vote ───────────────────────────────────────────────────

export function ownerVotes(context) {
  const open = context.projects.filter(p => p.status === 'Open');
  return h('section', { class: 'panel', id: 'owner-votes' },
    h('h2', {}, term('OwnerRepresentative'), ' · ', t('vote.title')),
    open.length === 0 ? h('p', { class: 'muted' }, t('project.none')) : [openVoteForm(context, open), closeVoteList(context, open)]);
}

function openVoteForm(context, open) {
  const project = h('select', {}, open.map(p => h('option', { value: p.projectId }, p.name)));
  const voteId = h('input', { type: 'text', autocomplete: 'off', placeholder: 'lift-2026' });
  const question = h('textarea', { rows: 2, maxlength: MaxQuestion });
  const matter = h('select', {}, Matters.map(m => h('option', { value: m }, term(m))));
  const households = h('textarea', { rows: 4, spellcheck: 'false', autocomplete: 'off', placeholder: 'b3-0101 b3-0102 …' });
  const scope = h('p', { class: 'small', id: 'vote-scope', 'aria-live': 'polite' });
  households.addEventListener('input', () => {
    scope.textContent = t('vote.scopeCount', householdIds(households.value).length);
  });
  const opensAt = h('input', { type: 'datetime-local', step: 1, value: beijingInput(Date.now()) });
  const closesAt = h('input', { type: 'datetime-local', step: 1, value: beijingInput(Date.now() + 7 * 24 * 3600_000) });
  const submit = h('button', { type: 'button', class: 'button primary', id: 'open-vote' }, t('vote.open'));
  const form = h('form', { class: 'work-form', id: 'open-vote-form', onsubmit: e => e.preventDefault() },
    h('h3', {}, t('vote.openTitle')), h('p', { class: 'small muted' }, t('vote.openLead')),
    field('vote-project', t('portal.project'), project), field('vote-id', t('vote.id'), voteId),
    field('vote-question', t('vote.question'), question), field('vote-matter', t('vote.matter'), matter),
    field('vote-households', t('vote.households'), households), scope,
    field('vote-opens', t('vote.opensAt'), opensAt), field('vote-closes', t('vote.closesAt'), closesAt), submit);
  onPress(submit, form, () => {
    const ids = householdIds(households.value);
    const opens = fromBeijing(opensAt.value);
    const closes = fromBeijing(closesAt.value);
    const problem = !isIdentifier(voteId.value.trim()) ? t('vote.badId')
      : !question.value.trim() || question.value.trim().length > MaxQuestion ? t('vote.questionNeeded')
        : ids.length === 0 || ids.length > MaxScope ? t('vote.householdsNeeded')
          : ids.some(id => !isIdentifier(id)) ? t('registrar.badHousehold')
            : !opens || !closes ? t('vote.timesNeeded')
              : closes <= opens || Date.parse(closes) <= Date.now() ? t('code.InvalidVote') : '';
    if (problem) {
      return formError(form, problem);
    }
    return act(context, 'OpenVote', {
      projectId: project.value, voteId: voteId.value.trim(), question: question.value.trim(), matter: matter.value,
      households: ids, opensAt: opens, closesAt: closes,
    }, t('vote.opened', ids.length));
  });
  return form;
}

/** The households of a vote's scope, sorted, as its VoteOpened entry on the project's public stream names them. */
async function scopeOf(projectId, voteId) {
  const { entries } = await streamEntries(`project/${projectId}`);
  const opened = entries.find(e => e.type === 'VoteOpened' && e.entry.body.voteId === voteId);
  return opened.entry.body.households.map(x => x.householdId).sort(byId);
}

/** The votes not yet counted; each is closed once its closing time has passed. */
function closeVoteList(context, open) {
  const waiting = open.flatMap(p => p.votes.filter(v => v.tally === null).map(v => ({ project: p, vote: v })));
  return h('div', { class: 'work-form', id: 'close-votes' },
    h('h3', {}, t('vote.closeTitle')),
    waiting.length === 0 ? h('p', { class: 'muted' }, t('project.none')) : waiting.map(({ project, vote }) => {
      const close = h('button', { type: 'button', class: 'button primary close-vote' }, t('vote.close'));
      const card = h('article', { class: 'card', dataset: { project: project.projectId, vote: vote.voteId } },
        h('h4', {}, `${project.name} · ${vote.question}`),
        h('p', { class: 'small' }, term(vote.matter), ' · ', t('vote.period'), t('colon'), time(vote.opensAt), ' – ', time(vote.closesAt)),
        close);
      onPress(close, card, async () => {
        if (Date.now() < Date.parse(vote.closesAt)) {
          return formError(card, t('vote.notYet', time(vote.closesAt).textContent));
        }
        return act(context, 'CloseVote', { projectId: project.projectId, voteId: vote.voteId, households: await scopeOf(project.projectId, vote.voteId) },
          t('vote.closed', vote.question));
      });
      return card;
    }));
}

// ── 居民: the household's ballots ──────────────────────────────────────────────────────────

/**
 * The household's ballot papers, from its own view (BallotIssued, BallotCast, BallotCounted: only
 * its residents, the resident supervisors and the auditor get them), each with its question and
 * period from the project's public view; an open one is voted with a big button and a confirmation.
 * `send` signs and sends a command for the household and shows it anew (portal.js); null for a
 * reader who is not its resident (a resident supervisor, the auditor), who sees and casts nothing.
 */
export async function householdBallots(household, send) {
  const papers = household.history.filter(e => e.type === 'BallotIssued').map(e => e.entry.body);
  if (papers.length === 0) {
    return '';
  }
  const of = (type, paper) => household.history.find(e => e.type === type && e.entry.body.projectId === paper.projectId && e.entry.body.voteId === paper.voteId);
  const projects = new Map(await Promise.all([...new Set(papers.map(p => p.projectId))]
    .map(async id => [id, await getJson(`/v1/projects/${encodeURIComponent(id)}`)])));
  return h('section', { id: 'ballots', class: 'panel' },
    h('h2', {}, t('vote.title')),
    papers.reverse().map(paper => {
      const project = projects.get(paper.projectId);
      const vote = project.votes.find(v => v.voteId === paper.voteId);
      const cast = of('BallotCast', paper);
      const state = cast ? h('p', { class: 'ok cast', dataset: { choice: cast.entry.body.choice } },
        t(send ? 'vote.voted' : 'vote.householdVoted', term(cast.entry.body.choice)))
        : of('BallotCounted', paper) || Date.now() >= Date.parse(paper.closesAt) ? h('p', { class: 'muted' }, t('vote.over'))
          : Date.now() < Date.parse(paper.opensAt) ? h('p', { class: 'muted' }, t('vote.notOpen'))
            : send ? choose(household.householdId, paper, send) : h('p', { class: 'muted' }, t('vote.notVoted'));
      return h('article', { class: 'card ballot', dataset: { project: paper.projectId, vote: paper.voteId } },
        h('h3', {}, vote.question),
        h('p', { class: 'small muted' }, project.name, ' · ', term(vote.matter), ' · ', t('vote.period'), t('colon'), time(paper.opensAt), ' – ', time(paper.closesAt)),
        state,
        vote.tally ? h('p', {}, h('a', { href: `#/project/${encodeURIComponent(paper.projectId)}` }, vote.passed ? t('vote.passed') : t('vote.failed'))) : '');
    }));
}

function choose(householdId, paper, send) {
  const confirm = h('div', { class: 'confirm-ballot', 'aria-live': 'polite' });
  const buttons = Choices.map(choice => h('button', { type: 'button', class: `button ballot-choice choice-${choice}`, dataset: { choice } }, term(choice)));
  buttons.forEach(button => button.addEventListener('click', () => {
    const choice = button.dataset.choice;
    const yes = h('button', { type: 'button', class: 'button primary confirm-choice' }, t('vote.confirm', term(choice)));
    const no = h('button', { type: 'button', class: 'button back-choice' }, t('vote.back'));
    no.addEventListener('click', () => confirm.replaceChildren());
    yes.addEventListener('click', () => {
      // Confirmed once: a second press would sign a second ballot, which the ledger refuses anyway.
      yes.disabled = true;
      send('CastBallot', { householdId, projectId: paper.projectId, voteId: paper.voteId, choice }, t('vote.castDone', term(choice)));
    });
    confirm.replaceChildren(h('div', { class: 'card waiting' }, h('p', {}, t('vote.confirmLead', term(choice))), h('div', { class: 'actions' }, yes, no)));
    yes.focus();
  }));
  return [h('div', { class: 'ballot-choices' }, buttons), confirm];
}

// ── 项目公开 and 公示: every vote of the project ──────────────────────────────────────────

/** The project's vote policy as ProjectOpened has it, defaults filled in; art. 278's defaults for a project without one. */
function policyOf(entries) {
  const opened = entries.find(e => e.type === 'ProjectOpened');
  return readPolicy(opened?.entry.body.votePolicy ?? { campaignRequiresVote: false });
}

/** The thresholds a vote is counted by, in words; for one matter, or for every matter when `matter` is null. */
function thresholds(policy, matter) {
  const fraction = ([n, d]) => `${n}/${d}`;
  const participation = t('vote.participationRule', fraction(policy.participation));
  const special = t('vote.specialRule', fraction(policy.specialMajority));
  const ordinary = t('vote.ordinaryRule', fraction(policy.ordinaryMajority));
  return matter === null ? `${participation}${special}${ordinary}${t('vote.law')}`
    : `${participation}${matter === 'Other' ? ordinary : special}`;
}

/** A vote as the public reads it: question, matter, period, scope and, once closed, the tally by choice and the result. Never a household's choice. */
function voteCard(vote, policy) {
  const tally = vote.tally;
  const rows = tally && [['Agree', tally.agreeHouseholds, tally.agreeAreaHundredths], ['Against', tally.againstHouseholds, tally.againstAreaHundredths],
    ['Abstain', tally.abstainHouseholds, tally.abstainAreaHundredths]];
  const took = tally && { households: rows.reduce((s, r) => s + r[1], 0), area: rows.reduce((s, r) => s + r[2], 0) };
  return h('article', { class: 'card vote', dataset: { vote: vote.voteId, passed: tally ? String(vote.passed) : '' } },
    h('h3', {}, vote.question),
    h('dl', { class: 'kv' },
      h('dt', {}, t('vote.matter')), h('dd', { class: 'matter' }, term(vote.matter)),
      h('dt', {}, t('vote.period')), h('dd', {}, time(vote.opensAt), ' – ', time(vote.closesAt)),
      h('dt', {}, t('vote.scope')), h('dd', { class: 'scope', dataset: { households: String(vote.scopeHouseholds), area: String(vote.scopeAreaHundredths) } },
        t('vote.weight', vote.scopeHouseholds, squareMetres(vote.scopeAreaHundredths)))),
    tally ? [
      table([t('vote.choice'), '#' + t('vote.householdsCount'), '#' + t('vote.area')],
        rows.map(([choice, households, area]) => h('tr', { dataset: { choice } },
          h('td', {}, term(choice)), h('td', { class: 'num households' }, String(households)), h('td', { class: 'num area' }, squareMetres(area)))),
        { class: 'tally' }),
      h('p', { class: 'participation' }, t('vote.participation', took.households, vote.scopeHouseholds, squareMetres(took.area), squareMetres(vote.scopeAreaHundredths))),
      h('p', { class: `result ${vote.passed ? 'ok' : 'error'}` }, h('strong', {}, vote.passed ? t('vote.passed') : t('vote.failed'))),
      h('p', { class: 'small muted' }, thresholds(policy, vote.matter), t('vote.abstentions')),
    ] : h('p', { class: 'muted' }, t('vote.counting')));
}

/** The project page's 业主表决 section: every vote, and whether the campaign waits for one. */
export function projectVotes(project, entries) {
  const policy = policyOf(entries);
  if (project.votes.length === 0 && !policy.campaignRequiresVote) {
    return '';
  }
  return h('section', { id: 'votes' },
    h('h2', {}, t('vote.title')),
    policy.campaignRequiresVote ? h('p', { id: 'vote-required' }, t('vote.campaignWaits')) : '',
    project.votes.length === 0 ? h('p', { class: 'muted' }, t('project.none')) : project.votes.map(vote => voteCard(vote, policy)));
}

/** The notice's 业主表决: the result of each vote the project closed, with its tally. */
export function noticeVotes(project, entries) {
  const closed = project.votes.filter(v => v.tally !== null);
  if (closed.length === 0) {
    return '';
  }
  const policy = policyOf(entries);
  return [h('h2', {}, t('vote.title')), h('div', { id: 'notice-votes' }, closed.map(vote => voteCard(vote, policy)))];
}
