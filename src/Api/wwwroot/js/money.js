// A project's money recomputed from its entries, as src/Ledger/Rules/Projects/ProjectState.cs
// folds them, and compared figure by figure with the project view (docs/API.md, ProjectView).
// Pure: no DOM, no network, so the page, its audit worker and tools/jsverify share it. Money
// is integer fen: every amount must be a safe integer and every sum stays one (the C# sums are
// `checked`), a percentage of a price is computed exactly with BigInt and rounded down
// (Money.PercentOf). No floating point touches an amount.

import { textIn } from './i18n.js';

export const FundingSources = ['GovernmentSubsidy', 'SocialCapital', 'ResidentCrowdfunding', 'SelfRaised'];
export const Tranches = ['Progress', 'Acceptance', 'Warranty'];
const MilestoneOf = { Progress: 'ProgressVerified', Acceptance: 'AcceptancePassed', Warranty: 'WarrantyExpired' };
const MilestoneAttesters = ['ProjectManager', 'ConstructionSupervisor'];
const Crowdfunding = 'ResidentCrowdfunding';
const SignedAmounts = ['ReceiptRecorded', 'DisbursementRequested', 'ContributionReceived'];

/**
 * An entry the money cannot be folded from (an amount that is not integer fen or not the one
 * signed, a reference to nothing, more committed than received): `text` is [i18n key, ...args]
 * for i18n.js `say`, `sequence` the entry's.
 */
export class MoneyError extends Error {
  constructor(text, sequence) {
    super(textIn('en', ...text));
    this.text = text;
    this.sequence = sequence;
  }
}

function fen(value, what, sequence) {
  if (!Number.isSafeInteger(value)) {
    throw new MoneyError(['moneyError.notFen', what, JSON.stringify(value)], sequence);
  }
  return value;
}

function add(a, b) {
  const sum = a + b;
  if (!Number.isSafeInteger(sum)) {
    throw new MoneyError(['moneyError.overflow', a, b]);
  }
  return sum;
}

const sum = values => values.reduce(add, 0);

/** ProjectState.CumulativeCapFen's Money.PercentOf: percent % of fen, rounded down, exactly. */
export function percentOf(amountFen, percent) {
  return Number(BigInt(amountFen) * BigInt(percent) / 100n);
}

/**
 * The money state of a project stream after `entries` (entry objects, as hashed, in sequence
 * order from 0): the plan, receipts, households' net contributions, disbursements and reversals.
 * Throws a MoneyError naming the entry it cannot apply.
 */
export function foldProject(entries) {
  const state = {
    contractPriceFen: 0, attested: new Map(), plannedFen: new Map(), tranches: [], receipts: new Map(),
    contributions: new Map(), contributedFen: 0, campaign: null, disbursements: new Map(), reversals: new Map(),
  };
  for (const entry of entries) {
    try {
      apply(state, entry);
    } catch (error) {
      // A body of the wrong shape (a list where an object belongs …) is a finding at its entry, never a crash.
      throw error instanceof MoneyError ? error : new MoneyError(['moneyError.malformed', error.message], entry.sequence);
    }
  }
  return state;
}

/** Applies one entry to the state, as ProjectState.ApplyBody, then checks that no more is committed than received. */
function apply(state, entry) {
  const s = entry.sequence;
  const body = entry.body ?? {};
  // The amount an entry records is the one its signer signed (ProjectRules copies it): the
  // body is only hash-protected, the command is signed.
  const signed = entry.signedCommand?.command?.body?.amountFen;
  if (SignedAmounts.includes(entry.type) && body.amountFen !== signed) {
    throw new MoneyError(['moneyError.notSigned', body.amountFen, signed], s);
  }
  switch (entry.type) {
    case 'ProjectOpened':
      state.contractPriceFen = fen(body.contractPriceFen, 'contractPriceFen', s);
      for (const source of FundingSources.filter(x => Object.hasOwn(body.fundingPlan ?? {}, x))) {
        state.plannedFen.set(source, fen(body.fundingPlan[source], `fundingPlan.${source}`, s));
      }
      state.tranches = (body.tranches ?? []).map(t => ({ tranche: t.tranche, percent: fen(t.percent, 'percent', s) }));
      break;
    case 'ReceiptRecorded':
      state.receipts.set(s, { sequence: s, source: body.source, amountFen: fen(body.amountFen, 'amountFen', s), reversed: false });
      break;
    case 'CampaignStarted':
      state.campaign = { targetFen: fen(body.targetFen, 'targetFen', s), households: new Set((body.shares ?? []).map(x => x.householdId)).size };
      break;
    case 'ContributionReceived':
    case 'ContributionRefunded': {
      const amount = fen(body.amountFen, 'amountFen', s) * (entry.type === 'ContributionRefunded' ? -1 : 1);
      if (amount < 0 && -amount !== state.contributions.get(body.householdId)) {
        throw new MoneyError(['moneyError.refund', -amount, body.householdId, state.contributions.get(body.householdId) ?? 0], s);
      }
      const paid = add(state.contributions.get(body.householdId) ?? 0, amount);
      if (paid < 0) {
        throw new MoneyError(['moneyError.negative', body.householdId, paid], s);
      }
      state.contributions.set(body.householdId, paid);
      state.contributedFen = add(state.contributedFen, amount);
      break;
    }
    case 'MilestoneAttested': {
      // A milestone is reached once both attesters have attested it; it unlocks its tranche.
      const roles = state.attested.get(body.milestone) ?? new Set();
      state.attested.set(body.milestone, roles.add(body.role));
      break;
    }
    case 'DisbursementRequested':
      state.disbursements.set(s, { disbursementId: s, tranche: body.tranche, amountFen: fen(body.amountFen, 'amountFen', s), status: 'Pending', paidSequence: null });
      break;
    case 'DisbursementRejected':
      disbursement(state, body.disbursementId, s).status = 'Rejected';
      break;
    case 'DisbursementPaid': {
      const d = disbursement(state, body.disbursementId, s);
      if (body.amountFen !== d.amountFen) {
        throw new MoneyError(['moneyError.payment', body.amountFen, d.amountFen], s);
      }
      d.status = 'Paid';
      d.paidSequence = s;
      break;
    }
    case 'ReversalProposed':
      if (fen(body.amountFen, 'amountFen', s) !== reversedEntry(state, body.kind, body.entrySequence, s).amountFen) {
        throw new MoneyError(['moneyError.reversal', body.amountFen, body.entrySequence, reversedEntry(state, body.kind, body.entrySequence, s).amountFen], s);
      }
      state.reversals.set(s, { reversalId: s, kind: body.kind, entrySequence: body.entrySequence, amountFen: fen(body.amountFen, 'amountFen', s), approved: false });
      break;
    case 'ReversalApproved': {
      const r = state.reversals.get(body.reversalId);
      if (!r) {
        throw new MoneyError(['moneyError.noReversal', body.reversalId], s);
      }
      r.approved = true;
      const target = reversedEntry(state, r.kind, r.entrySequence, s);
      if (r.kind === 'Receipt') {
        target.reversed = true;
      } else {
        target.status = 'PaymentReversed';
      }
      break;
    }
    default:
      // Openings of milestones, approvals, cancelling and closing move no money.
      break;
  }
  const figures = totals(state);
  if (figures.availableFen < 0) {
    throw new MoneyError(['moneyError.overdrawn', -figures.availableFen], s);
  }
}

// The receipt, or the disbursement paid by the entry, that a reversal names.
function reversedEntry(state, kind, entrySequence, sequence) {
  const target = kind === 'Receipt' ? state.receipts.get(entrySequence)
    : kind === 'Payment' ? [...state.disbursements.values()].find(d => d.paidSequence === entrySequence) : undefined;
  if (!target) {
    throw new MoneyError(['moneyError.noTarget', entrySequence], sequence);
  }
  return target;
}

function disbursement(state, id, sequence) {
  const d = state.disbursements.get(id);
  if (!d) {
    throw new MoneyError(['moneyError.noDisbursement', id], sequence);
  }
  return d;
}

function receivedFen(state, source) {
  return source === Crowdfunding ? state.contributedFen
    : sum([...state.receipts.values()].filter(r => r.source === source && !r.reversed).map(r => r.amountFen));
}

function disbursedFen(state, status, tranche) {
  return sum([...state.disbursements.values()].filter(d => d.status === status && (tranche === undefined || d.tranche === tranche)).map(d => d.amountFen));
}

function totals(state) {
  const receivedAll = sum(FundingSources.map(source => receivedFen(state, source)));
  const paidFen = disbursedFen(state, 'Paid');
  const pendingFen = disbursedFen(state, 'Pending');
  return { receivedFen: receivedAll, paidFen, pendingFen, availableFen: receivedAll - paidFen - pendingFen };
}

/** The figures of a project view that are money, as the view names them, computed from a folded state. */
export function projectFigures(state) {
  return {
    contractPriceFen: state.contractPriceFen,
    fundingSources: [...state.plannedFen].map(([source, plannedFen]) => ({ source, plannedFen, receivedFen: receivedFen(state, source) })),
    tranches: state.tranches.map(t => ({
      tranche: t.tranche,
      percent: t.percent,
      cumulativeCapFen: percentOf(state.contractPriceFen, sum(state.tranches.filter(x => Tranches.indexOf(x.tranche) <= Tranches.indexOf(t.tranche)).map(x => x.percent))),
      unlocked: MilestoneAttesters.every(role => state.attested.get(MilestoneOf[t.tranche])?.has(role) ?? false),
      paidFen: disbursedFen(state, 'Paid', t.tranche),
      pendingFen: disbursedFen(state, 'Pending', t.tranche),
    })),
    totals: totals(state),
    campaign: state.campaign && { targetFen: state.campaign.targetFen, households: state.campaign.households, paidFen: state.contributedFen },
    receipts: [...state.receipts.values()].map(r => ({ sequence: r.sequence, amountFen: r.amountFen, reversed: r.reversed })),
    disbursements: [...state.disbursements.values()].map(d => ({ disbursementId: d.disbursementId, amountFen: d.amountFen, status: d.status })),
    reversals: [...state.reversals.values()].map(r => ({ reversalId: r.reversalId, amountFen: r.amountFen, approved: r.approved })),
  };
}

/**
 * Every money figure where the view and the entries disagree: { figure, view, computed,
 * sequence } with `figure` the view's path to it (e.g. "totals.availableFen",
 * "receipts[#3].amountFen") and `sequence` the entry it belongs to, when it belongs to one.
 * `entries` are the project stream's from 0; only those up to the view's `sequence` are folded.
 */
export function moneyDifferences(view, entries) {
  const covered = entries.filter(e => e.sequence <= view.sequence);
  const differences = [];
  const differ = (figure, shown, computed, sequence) => {
    if (shown !== computed) {
      differences.push({ figure, view: shown, computed, sequence });
    }
  };
  differ('sequence', view.sequence, covered.at(-1)?.sequence ?? null);
  const figures = projectFigures(foldProject(covered));
  differ('contractPriceFen', view.contractPriceFen, figures.contractPriceFen);
  matchRows(differ, 'fundingSources', 'source', view.fundingSources, figures.fundingSources, ['plannedFen', 'receivedFen']);
  matchRows(differ, 'tranches', 'tranche', view.tranches, figures.tranches, ['percent', 'cumulativeCapFen', 'unlocked', 'paidFen', 'pendingFen']);
  for (const name of ['receivedFen', 'paidFen', 'pendingFen', 'availableFen']) {
    differ(`totals.${name}`, view.totals?.[name], figures.totals[name]);
  }
  if (view.campaign || figures.campaign) {
    for (const name of ['targetFen', 'households', 'paidFen']) {
      differ(`campaign.${name}`, view.campaign?.[name] ?? null, figures.campaign?.[name] ?? null);
    }
  }
  matchRows(differ, 'receipts', 'sequence', view.receipts, figures.receipts, ['amountFen', 'reversed'], true);
  matchRows(differ, 'disbursements', 'disbursementId', view.disbursements, figures.disbursements, ['amountFen', 'status'], true);
  matchRows(differ, 'reversals', 'reversalId', view.reversals, figures.reversals, ['amountFen', 'approved'], true);
  return differences;
}

// Rows of a list matched by their key: a row on one side only is a difference too.
function matchRows(differ, list, key, shown = [], computed, members, isSequence = false) {
  const label = k => `${list}[${isSequence ? '#' : ''}${k}]`;
  const byKey = new Map(computed.map(row => [row[key], row]));
  for (const row of shown) {
    const mine = byKey.get(row[key]);
    byKey.delete(row[key]);
    for (const member of members) {
      differ(`${label(row[key])}.${member}`, row[member], mine ? mine[member] : null, isSequence ? row[key] : undefined);
    }
  }
  for (const [k, row] of byKey) {
    for (const member of members) {
      differ(`${label(k)}.${member}`, null, row[member], isSequence ? k : undefined);
    }
  }
}
