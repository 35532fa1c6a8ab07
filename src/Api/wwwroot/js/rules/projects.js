// The project streams' rules and state (src/Ledger/Rules/Projects): funding planned and
// received, the residents' crowdfunding, milestones, disbursements in tranches, reversals.

import { added, addMonths, ChinaStandardTimeMs, checked, Fields, FormatError, formatTime, invariant, isIdentifier, isShortText, lookup, sum, toInt32 } from './fields.js';
import { streamOf as householdStream, identifierOf, residentCheck } from './households.js';
import { Roles, accept, newEntry, refuse } from './registry.js';
import { applyVote, campaignRefusal, isValidPolicy, policyJson, readPolicy } from './votes.js';

export const FundingSources = ['GovernmentSubsidy', 'SocialCapital', 'ResidentCrowdfunding', 'SelfRaised'];
export const Tranches = ['Progress', 'Acceptance', 'Warranty'];
export const Milestones = ['ProgressVerified', 'AcceptancePassed', 'WarrantyExpired'];
export const ExpenseCategories = ['Equipment', 'Installation', 'Design', 'Supervision', 'Other'];
const FundDrawings = ['InOrder', 'ProRata'];
const MilestoneAttesters = ['ProjectManager', 'ConstructionSupervisor'];
const DisbursementApprovers = ['OwnerRepresentative', 'ConstructionSupervisor', 'ProjectManager'];

const ReceiptKind = 'Receipt';
const PaymentKind = 'Payment';
const DefaultResidentShareCapPercent = 30;
const MaxTextLength = 200;
const MaxWarrantyMonths = 120;
const MaxCampaignHouseholds = 10_000;
const MaxWeight = 1_000_000;
const MaxAmountFen = 1_000_000_000_000;
const DefaultTranches = [{ tranche: 'Progress', percent: 60 }, { tranche: 'Acceptance', percent: 30 }, { tranche: 'Warranty', percent: 10 }];

const OpenedMembers = ['community', 'contractPriceFen', 'fundingPlan', 'fundPolicy', 'name', 'projectId', 'residentShareCapPercent', 'tranches', 'votePolicy', 'warrantyMonths'];
const ReceiptMembers = ['amountFen', 'documentHash', 'reference', 'source'];
const CampaignMembers = ['rule', 'shares', 'targetFen'];
const ContributionMembers = ['amountFen', 'householdId'];
const AttestedMembers = ['evidenceHash', 'milestone', 'role'];
const RequestedMembers = ['allocation', 'amountFen', 'category', 'disbursementId', 'invoiceHash', 'payee', 'tranche'];
const ApprovedMembers = ['disbursementId', 'role'];
const RejectedMembers = ['disbursementId', 'reason', 'role'];
const PaidMembers = ['amountFen', 'bankReference', 'disbursementId'];
const ReversalProposedMembers = ['amountFen', 'entrySequence', 'kind', 'reason', 'reversalId'];
const ReversalApprovedMembers = ['amountFen', 'entrySequence', 'reversalId'];
const ReconciliationSignedMembers = ['closingBalanceFen', 'fromDate', 'matchedCount', 'reconciliationId', 'statementHash', 'toDate', 'unmatchedLedgerCount', 'unmatchedStatementCount'];
const ReconciliationCountersignedMembers = ['closingBalanceFen', 'reconciliationId', 'toDate'];
const MaxStatementLines = 1_000_000;
const DayMs = 86_400_000;

/**
 * What `read` returns, or the refusal `code` with why it cannot: for a member whose own code says
 * what is wrong with it (a funding plan, tranches, a policy), as Member.Refusal in the C# rules.
 */
function readOr(code, read) {
  try {
    return { value: read(), refusal: null };
  } catch (error) {
    if (error instanceof FormatError) {
      return { value: null, refusal: refuse(code, error.message) };
    }
    throw error;
  }
}

export const streamOf = projectId => `project/${projectId}`;
export const projectIdOf = command => identifierOf(command, 'projectId');

const isValidAmount = fen => fen > 0 && fen <= MaxAmountFen;

/** Money.PercentOf: rounded down to the fen. */
export const percentOf = (fen, percent) => Math.trunc(checked(fen * percent) / 100);

/**
 * A project that has no entries yet. Receipts: sequence → { source, amountFen, reversed };
 * milestones: name → { attestedBy: Map role → person, reachedAt (ms) | null }; disbursements:
 * id → { tranche, amountFen, category | null, allocationFen: Map source → fen, requestedBy, approvals: Map role → person, status,
 * paidSequence }; fundPolicy: { drawing, sources: [{ source, categories }] } | null (FundPolicy.cs);
 * reversals: id → { entrySequence, kind, amountFen, proposedBy, approved }.
 */
export function emptyProject(projectId) {
  return {
    sequence: -1, projectId, status: 'NotOpened', contractPriceFen: 0, plannedFen: new Map(), tranches: [], warrantyMonths: 0, fundPolicy: null,
    receipts: new Map(), campaign: null, contributionsFen: new Map(), contributedFen: 0,
    milestones: new Map(), disbursements: new Map(), reversals: new Map(), movements: [], reconciliations: new Map(), votePolicy: null, votes: new Map(),
  };
}

/** ReconciliationPeriod.ParseDate: "2026-09-30", years 2000–9998, as the ms of its 00:00 UTC. */
function parseDate(text, what) {
  const match = /^(\d{4})-\d{2}-\d{2}$/.exec(text);
  const ms = match ? Date.parse(`${text}T00:00:00.000Z`) : NaN;
  if (!match || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== text || +match[1] < 2000 || +match[1] > 9998) {
    throw new FormatError(`${what} must be a date like 2026-09-30, from 2000-01-01 to 9998-12-31`);
  }
  return ms;
}

const formatDate = dayMs => new Date(dayMs).toISOString().slice(0, 10);
const periodEndsAt = toDayMs => toDayMs + DayMs - ChinaStandardTimeMs;

/** ProjectState.BalanceFenBefore: every movement on the account recorded before `end` (ms). */
const balanceFenBefore = (project, end) => sum(project.movements.filter(m => m.recordedAt < end).map(m => m.amountFen));

const receivedFen = (project, source) => source === 'ResidentCrowdfunding'
  ? project.contributedFen
  : sum([...project.receipts.values()].filter(r => r.source === source && !r.reversed).map(r => r.amountFen));
const totalReceivedFen = project => sum(FundingSources.map(s => receivedFen(project, s)));
const sumOf = (project, which) => sum([...project.disbursements.values()].filter(which).map(d => d.amountFen));
const totalPaidFen = project => sumOf(project, d => d.status === 'Paid');
const totalPendingFen = project => sumOf(project, d => d.status === 'Pending');
const availableFen = project => checked(totalReceivedFen(project) - totalPaidFen(project) - totalPendingFen(project));
/** ProjectState.DrawnFen and UndrawnFen: what paid and pending requests draw on a source, and what it still holds. */
const drawnFen = (project, source) =>
  sum([...project.disbursements.values()].filter(d => d.status === 'Paid' || d.status === 'Pending').map(d => d.allocationFen.get(source) ?? 0));
const undrawnFen = (project, source) => checked(receivedFen(project, source) - drawnFen(project, source));
const reached = (project, milestone) => (project.milestones.get(milestone)?.reachedAt ?? null) !== null;
const milestoneOf = tranche => Milestones[Tranches.indexOf(tranche)];
const cumulativeCapFen = (project, tranche) =>
  percentOf(project.contractPriceFen, project.tranches.filter(t => Tranches.indexOf(t.tranche) <= Tranches.indexOf(tranche)).reduce((s, t) => s + t.percent, 0));

function paymentOf(project, entrySequence) {
  const payments = [...project.disbursements.values()].filter(d => d.paidSequence === entrySequence);
  if (payments.length !== 1) {
    throw new FormatError(`sequence contains ${payments.length === 0 ? 'no' : 'more than one'} matching element`);
  }
  return payments[0];
}

const project = context => context.state(streamOf(projectIdOf(context.command)));
const bodyOf = (context, ...members) => new Fields(context.command.body, 'body', members);

/** The command's body, read with its members, and the project it names. */
export const projectContext = (context, ...members) => ({ body: bodyOf(context, ...members), state: project(context) });
const accepting = (state, type, body) => accept(newEntry(streamOf(state.projectId), type, body));
const amountOutOfRange = member => refuse('AmountOutOfRange', `${member} must be from 1 to ${MaxAmountFen} fen`);

function shortText(text, member) {
  if (!isShortText(text, MaxTextLength)) {
    throw new FormatError(`${member} must be 1 to ${MaxTextLength} characters without control characters`);
  }
  return text;
}

export const text = (body, member) => shortText(body.string(member), member);

export function unopened(state) {
  switch (state.status) {
    case 'NotOpened':
      return refuse('ProjectNotOpen', `project ${state.projectId} is not open`);
    case 'Closed':
    case 'Cancelled':
      return refuse('ProjectEnded', `project ${state.projectId} is ${state.status.toLowerCase()}`);
    default:
      return null;
  }
}

/** Unopened, or the amount in `member` out of range: { refuse } or { amount }. */
function openWithAmount(state, body, member) {
  const refusal = unopened(state);
  if (refusal) {
    return refusal;
  }
  const amount = body.integer(member);
  return isValidAmount(amount) ? { amount } : amountOutOfRange(member);
}

function notPending(state, body) {
  const refusal = unopened(state);
  if (refusal) {
    return refusal;
  }
  const disbursement = state.disbursements.get(body.integer('disbursementId'));
  if (!disbursement) {
    return refuse('UnknownDisbursement', `no disbursement #${body.integer('disbursementId')}`);
  }
  switch (disbursement.status) {
    case 'Pending':
      return null;
    case 'Paid':
    case 'PaymentReversed':
      return refuse('DisbursementAlreadyPaid', `disbursement #${disbursement.id} is paid`);
    default:
      return refuse('DisbursementNotPending', `disbursement #${disbursement.id} was rejected`);
  }
}

/** The role the body names, if it is one of `allowed` and the signer holds it; else null. */
function roleNamed(context, body, allowed) {
  const role = body.string('role');
  return Roles.includes(role) && allowed.includes(role) && lookup(context.registry.people, context.command.personId).roles.has(role) ? role : null;
}

const hasValue = (map, value) => [...map.values()].includes(value);

export const readPlan = plan => readFenBySource(plan, 'fundingPlan');

function readFenBySource(value, what) {
  const fields = new Fields(value, what, FundingSources);
  return new Map(FundingSources.filter(s => fields.has(s)).map(s => [s, fields.integer(s)]));
}

/** FundPolicy.Read: a name that is not a drawing rule, source or category is a format error. */
export function readFundPolicy(policy) {
  const fields = new Fields(policy, 'fundPolicy', ['drawing', 'sources']);
  return {
    drawing: fields.enumName(FundDrawings, 'drawing', 'FundDrawing'),
    sources: fields.array('sources').map(s => new Fields(s, 'a restricted source', ['categories', 'source'])).map(s => ({
      source: s.enumName(FundingSources, 'source', 'FundingSource'),
      categories: s.array('categories').map(c => {
        if (!ExpenseCategories.includes(c)) {
          throw new FormatError(`a category is one of ${ExpenseCategories.join(', ')}`);
        }
        return c;
      }),
    })),
  };
}

/** FundPolicy.IsWellFormed: every source once, each with one or more distinct categories. */
const isWellFormed = policy => policy.sources.length > 0 && new Set(policy.sources.map(s => s.source)).size === policy.sources.length
  && policy.sources.every(s => s.categories.length > 0 && new Set(s.categories).size === s.categories.length);

/** FundPolicy.ToJson: sources in the policy's order, each one's categories in the enumeration's order. */
const fundPolicyJson = policy => ({
  drawing: policy.drawing,
  sources: policy.sources.map(s => ({ categories: ExpenseCategories.filter(c => s.categories.includes(c)), source: s.source })),
});

const permitted = (policy, category) => policy.sources.filter(s => s.categories.includes(category)).map(s => s.source);

/** FundPolicy.Draw: how much each permitted source pays, only sources that pay something, in canonical member order. */
function draw(project, category, amountFen) {
  const holding = permitted(project.fundPolicy, category).map(s => ({ key: s, weight: undrawnFen(project, s) })).filter(s => s.weight > 0);
  invariant(sum(holding.map(s => s.weight)) >= amountFen, 'the permitted sources hold the amount drawn');
  let parts;
  if (project.fundPolicy.drawing === 'InOrder') {
    let left = amountFen;
    parts = holding.map(s => {
      const take = Math.min(s.weight, left);
      left -= take;
      return { key: s.key, partFen: take };
    });
  } else {
    parts = byLargestRemainder(amountFen, holding);
  }
  return Object.fromEntries(FundingSources.map(source => [source, parts.find(p => p.key === source)?.partFen ?? 0]).filter(([, fen]) => fen > 0));
}

export function readTranches(tranches) {
  return tranches.map(t => new Fields(t, 'tranche', ['percent', 'tranche'])).map(t => {
    const tranche = t.enumName(Tranches, 'tranche', 'Tranche');
    const percent = t.integer('percent');
    if (percent < 0 || percent > 100) {
      throw new FormatError("a tranche's percent is from 0 to 100");
    }
    return { tranche, percent };
  });
}

export function open(context) {
  const body = bodyOf(context, 'community', 'contractPriceFen', 'fundingPlan', 'fundPolicy', 'name', 'projectId', 'residentShareCapPercent', 'tranches', 'votePolicy', 'warrantyMonths');
  const state = project(context);
  if (state.status !== 'NotOpened') {
    return refuse('ProjectAlreadyOpen', `project ${state.projectId} was opened already`);
  }
  const name = text(body, 'name');
  const community = text(body, 'community');
  const contractPrice = body.integer('contractPriceFen');
  if (!isValidAmount(contractPrice)) {
    return amountOutOfRange('contractPriceFen');
  }
  const { value: plan, refusal: unreadablePlan } = readOr('UnknownFundingSource', () => readPlan(body.object('fundingPlan')));
  if (unreadablePlan) {
    return unreadablePlan;
  }
  const amounts = [...plan.values()];
  if (plan.size !== FundingSources.length || amounts.some(fen => fen < 0 || fen > MaxAmountFen) || sum(amounts) !== contractPrice) {
    return refuse('InvalidFundingPlan', 'fundingPlan names every source once with an amount ≥ 0, and the amounts add up to contractPriceFen');
  }
  const cap = body.optionalInteger('residentShareCapPercent') ?? DefaultResidentShareCapPercent;
  if (cap < 0 || cap > 100) {
    return refuse('ResidentShareAboveCap', 'residentShareCapPercent is a percentage from 0 to 100');
  }
  if (plan.get('ResidentCrowdfunding') > percentOf(contractPrice, cap)) {
    return refuse('ResidentShareAboveCap', `the residents' share may be at most ${cap}% of the contract price (${percentOf(contractPrice, cap)} fen)`);
  }
  const { value: tranches, refusal: unreadableTranches } = readOr('InvalidTranches', () => body.has('tranches') ? readTranches(body.array('tranches')) : DefaultTranches);
  if (unreadableTranches) {
    return unreadableTranches;
  }
  if (tranches.map(t => t.tranche).join() !== Tranches.join() || tranches.reduce((s, t) => s + t.percent, 0) !== 100) {
    return refuse('InvalidTranches', 'tranches are Progress, Acceptance and Warranty in that order, with percentages that add up to 100');
  }
  const warrantyMonths = body.integer('warrantyMonths');
  if (warrantyMonths < 0 || warrantyMonths > MaxWarrantyMonths) {
    return refuse('MalformedCommand', `warrantyMonths is from 0 to ${MaxWarrantyMonths}`);
  }
  const { value: fundPolicy, refusal: unreadableFundPolicy } = readOr('InvalidFundPolicy', () => body.has('fundPolicy') ? readFundPolicy(body.object('fundPolicy')) : null);
  if (unreadableFundPolicy) {
    return unreadableFundPolicy;
  }
  if (fundPolicy !== null && !isWellFormed(fundPolicy)) {
    return refuse('InvalidFundPolicy', 'fundPolicy lists one or more sources, each once, each with one or more distinct categories');
  }
  const { value: votePolicy, refusal: unreadableVotePolicy } = readOr('InvalidVotePolicy', () => body.has('votePolicy') ? readPolicy(body.object('votePolicy')) : null);
  if (unreadableVotePolicy) {
    return unreadableVotePolicy;
  }
  if (votePolicy !== null && !isValidPolicy(votePolicy)) {
    return refuse('InvalidVotePolicy', 'each threshold is a fraction n/d with 1 ≤ n ≤ d ≤ 100, and the ordinary majority\'s n < d');
  }
  return accepting(state, 'ProjectOpened', {
    community, contractPriceFen: contractPrice, fundingPlan: Object.fromEntries(plan), name, projectId: state.projectId,
    residentShareCapPercent: cap, tranches: tranches.map(t => ({ percent: t.percent, tranche: t.tranche })), warrantyMonths,
    ...(fundPolicy === null ? {} : { fundPolicy: fundPolicyJson(fundPolicy) }),
    ...(votePolicy === null ? {} : { votePolicy: policyJson(votePolicy) }),
  });
}

export function recordReceipt(context) {
  const body = bodyOf(context, 'amountFen', 'documentHash', 'projectId', 'reference', 'source');
  const state = project(context);
  const opened = openWithAmount(state, body, 'amountFen');
  if (opened.refuse) {
    return opened;
  }
  const source = body.string('source');
  if (!FundingSources.includes(source)) {
    return refuse('UnknownFundingSource', `source is one of ${FundingSources.join(', ')}`);
  }
  if (source === 'ResidentCrowdfunding') {
    return refuse('CrowdfundingIsPaidByHouseholds', 'crowdfunding comes in as households\' PayShare, not as a receipt');
  }
  const documentHash = body.hash('documentHash');
  const reference = body.optionalString('reference');
  const planned = lookup(state.plannedFen, source);
  if (checked(receivedFen(state, source) + opened.amount) > planned) {
    return refuse('ReceiptBeyondPlan', `${source} would exceed its planned ${planned} fen (received ${receivedFen(state, source)})`);
  }
  const entry = { amountFen: opened.amount, documentHash, source };
  if (reference !== null) {
    entry.reference = shortText(reference, 'reference');
  }
  return accepting(state, 'ReceiptRecorded', entry);
}

/**
 * ShareSplit.Split (docs/ENTRIES.md "Share split"): ⌊target × weight ÷ Σweights⌋ each, the fen
 * left over one each to the largest remainders, ties to the smaller household id. BigInt for the
 * products (up to 10^18), as C# uses Int128.
 */
export function splitShares(targetFen, weights) {
  const byId = [...weights].sort((a, b) => ordinal(a.householdId, b.householdId)).map(w => ({ key: w.householdId, weight: w.weight }));
  return byLargestRemainder(targetFen, byId).map(p => ({ householdId: p.key, shareFen: p.partFen }));
}

/**
 * ShareSplit.ByLargestRemainder: the parts in the order of `weights` [{ key, weight }], remainder
 * ties to the part listed first. BigInt for the products (up to 10^24), as C# uses Int128.
 */
export function byLargestRemainder(totalFen, weights) {
  invariant(totalFen >= 0 && weights.every(w => w.weight >= 0), 'totals and weights are not negative');
  const totalWeight = BigInt(sum(weights.map(w => w.weight)));
  invariant(totalWeight > 0n, 'some part carries weight');
  const parts = weights.map((w, index) => {
    const product = BigInt(totalFen) * BigInt(w.weight);
    return { key: w.key, index, base: Number(product / totalWeight), remainder: product % totalWeight };
  });
  const leftover = totalFen - sum(parts.map(p => p.base));
  invariant(leftover >= 0 && leftover < Math.max(1, parts.length), 'rounding down leaves fewer fen than parts');
  const byRemainder = [...parts].sort((a, b) => a.remainder > b.remainder ? -1 : a.remainder < b.remainder ? 1 : a.index - b.index);
  const extra = new Set(byRemainder.slice(0, leftover).map(p => p.index));
  const split = parts.map(p => ({ key: p.key, partFen: p.base + (extra.has(p.index) ? 1 : 0) }));
  invariant(sum(split.map(s => s.partFen)) === totalFen, 'parts sum exactly to the total');
  return split;
}

const ordinal = (a, b) => a < b ? -1 : a > b ? 1 : 0;

export function startCampaign(context) {
  const body = bodyOf(context, 'floorWeights', 'households', 'projectId', 'rule', 'targetFen');
  const state = project(context);
  const opened = openWithAmount(state, body, 'targetFen');
  if (opened.refuse) {
    return opened;
  }
  const target = opened.amount;
  if (state.campaign !== null) {
    return refuse('CampaignAlreadyStarted', 'the project\'s campaign has started already');
  }
  const noVote = campaignRefusal(state);
  if (noVote) {
    return noVote;
  }
  const plannedCrowdfunding = lookup(state.plannedFen, 'ResidentCrowdfunding');
  if (target > plannedCrowdfunding) {
    return refuse('CampaignTargetBeyondPlan', `the target may be at most the planned crowdfunding, ${plannedCrowdfunding} fen`);
  }
  const rule = body.string('rule');
  const households = body.array('households').map(h => new Fields(h, 'household', ['floor', 'householdId']));
  const ids = households.map(h => h.string('householdId'));
  if ((rule !== 'ByFloor' && rule !== 'Flat') || households.length === 0 || households.length > MaxCampaignHouseholds
    || ids.some(id => !isIdentifier(id)) || new Set(ids).size !== ids.length) {
    return refuse('InvalidShareRule', `rule is ByFloor or Flat, over 1 to ${MaxCampaignHouseholds} distinct households`);
  }
  const weights = [];
  if (rule === 'ByFloor') {
    const listed = body.has('floorWeights')
      ? body.array('floorWeights').map(w => new Fields(w, 'floor weight', ['floor', 'weight'])).map(w => ({ floor: w.integer('floor'), weight: w.integer('weight') }))
      : null;
    if (listed !== null && new Set(listed.map(w => w.floor)).size !== listed.length) {
      return refuse('InvalidShareRule', 'floorWeights name each floor once');
    }
    const floorWeights = listed === null ? null : new Map(listed.map(w => [w.floor, w.weight]));
    for (const household of households) {
      const floor = household.optionalInteger('floor');
      let weight = 0;
      let known = false;
      if (floor !== null && floor >= 1 && floor <= 200) {
        if (floorWeights === null) {
          weight = floor;
          known = weight >= 0;
        } else {
          known = floorWeights.has(floor);
          weight = floorWeights.get(floor) ?? 0;
        }
      }
      if (!known || weight < 0 || weight > MaxWeight) {
        return refuse('InvalidShareRule', `household ${household.string('householdId')} needs a floor from 1 to 200 with a weight from 0 to ${MaxWeight}`);
      }
      weights.push({ householdId: household.string('householdId'), weight });
    }
  } else {
    if (body.has('floorWeights')) {
      return refuse('InvalidShareRule', 'floorWeights go with the ByFloor rule only');
    }
    weights.push(...ids.map(householdId => ({ householdId, weight: 1 })));
  }
  if (weights.every(w => w.weight === 0)) {
    return refuse('InvalidShareRule', 'at least one household must carry weight');
  }
  const floors = new Map(households.map(h => [h.string('householdId'), h.optionalInteger('floor')]));
  return accepting(state, 'CampaignStarted', {
    rule,
    shares: splitShares(target, weights).map(s => {
      const share = { householdId: s.householdId, shareFen: s.shareFen };
      if (floors.get(s.householdId) !== null) {
        share.floor = floors.get(s.householdId);
      }
      return share;
    }),
    targetFen: target,
  });
}

export function payShare(context) {
  const body = bodyOf(context, 'amountFen', 'householdId', 'projectId', 'reference');
  const state = project(context);
  const householdId = body.string('householdId');
  const household = context.state(householdStream(householdId));
  const opened = openWithAmount(state, body, 'amountFen');
  if (opened.refuse) {
    return opened;
  }
  if (state.campaign === null) {
    return refuse('NoCampaign', 'the project has no crowdfunding campaign');
  }
  const notResident = residentCheck(context, householdId);
  if (notResident) {
    return notResident;
  }
  if (!state.campaign.sharesFen.has(householdId)) {
    return refuse('HouseholdNotInCampaign', `household ${householdId} has no share in this campaign`);
  }
  const share = state.campaign.sharesFen.get(householdId);
  const paid = state.contributionsFen.get(householdId) ?? 0;
  if (checked(paid + opened.amount) > share) {
    return refuse('PaymentBeyondShare', `household ${householdId} owes ${share - paid} fen of its ${share} fen share`);
  }
  invariant((household.contributionsFen.get(state.projectId) ?? 0) === paid, `household ${householdId} and project ${state.projectId} agree on what was paid`);
  const reference = body.optionalString('reference');
  const householdEntry = { amountFen: opened.amount, projectId: state.projectId };
  if (reference !== null) {
    householdEntry.reference = shortText(reference, 'reference');
  }
  return accept(
    newEntry(householdStream(householdId), 'CrowdfundingPaid', householdEntry),
    newEntry(streamOf(state.projectId), 'ContributionReceived', { amountFen: opened.amount, householdId }));
}

export function attestMilestone(context) {
  const body = bodyOf(context, 'evidenceHash', 'milestone', 'projectId', 'role');
  const state = project(context);
  const refusal = unopened(state);
  if (refusal) {
    return refusal;
  }
  const milestone = body.string('milestone');
  const index = Milestones.indexOf(milestone);
  if (index < 0) {
    return refuse('UnknownMilestone', `milestone is one of ${Milestones.join(', ')}`);
  }
  const role = roleNamed(context, body, MilestoneAttesters);
  if (role === null) {
    return refuse('RoleMissing', 'milestones are attested as ProjectManager or ConstructionSupervisor, a role the signer holds');
  }
  const evidence = body.hash('evidenceHash');
  if (index > 0 && !reached(state, Milestones[index - 1])) {
    return refuse('MilestoneOutOfOrder', `${milestone} comes after ${Milestones[index - 1]}, which is not reached`);
  }
  const progress = state.milestones.get(milestone);
  if (progress?.attestedBy.has(role)) {
    return refuse('MilestoneAlreadyAttested', `${milestone} was attested by the ${role} already`);
  }
  if (progress && hasValue(progress.attestedBy, context.command.personId)) {
    return refuse('AttesterAlreadySigned', 'one person attests a milestone in one role only');
  }
  if (milestone === 'WarrantyExpired') {
    const expires = addMonths(lookup(state.milestones, 'AcceptancePassed').reachedAt, state.warrantyMonths);
    if (context.now < expires) {
      return refuse('WarrantyNotExpired', `the warranty period runs until ${formatTime(expires)}`);
    }
  }
  return accepting(state, 'MilestoneAttested', { evidenceHash: evidence, milestone, role });
}

export function requestDisbursement(context) {
  const body = bodyOf(context, 'amountFen', 'category', 'invoiceHash', 'payee', 'projectId', 'tranche');
  const state = project(context);
  const opened = openWithAmount(state, body, 'amountFen');
  if (opened.refuse) {
    return opened;
  }
  const amount = opened.amount;
  const tranche = body.string('tranche');
  if (!Tranches.includes(tranche)) {
    return refuse('UnknownTranche', `tranche is one of ${Tranches.join(', ')}`);
  }
  const category = body.optionalString('category');
  if (category !== null && !ExpenseCategories.includes(category)) {
    return refuse('UnknownExpenseCategory', `category is one of ${ExpenseCategories.join(', ')}`);
  }
  if (state.fundPolicy !== null && category === null) {
    return refuse('UnknownExpenseCategory', "the project's funds are restricted: a request names its category");
  }
  const payee = text(body, 'payee');
  const invoice = body.hash('invoiceHash');
  if (!reached(state, milestoneOf(tranche))) {
    return refuse('TrancheLocked', `the ${tranche} tranche opens when ${milestoneOf(tranche)} is attested`);
  }
  const committed = checked(totalPaidFen(state) + totalPendingFen(state));
  const cap = cumulativeCapFen(state, tranche);
  if (checked(committed + amount) > cap) {
    return refuse('BeyondTrancheCap', `up to the ${tranche} tranche at most ${cap} fen may be paid or pending; ${committed} fen are`);
  }
  if (amount > availableFen(state)) {
    return refuse('InsufficientFunds', `only ${availableFen(state)} fen are available (received − paid − pending)`);
  }
  const requested = { amountFen: amount, disbursementId: state.sequence + 1, invoiceHash: invoice, payee, tranche };
  if (category !== null) {
    requested.category = category;
  }
  if (state.fundPolicy !== null) {
    const sources = permitted(state.fundPolicy, category);
    const permittedFen = sum(sources.map(s => undrawnFen(state, s)));
    if (amount > permittedFen) {
      return refuse('RestrictedFundsInsufficient', `the sources that may pay for ${category} (${sources.join(', ')}) hold ${permittedFen} fen not yet drawn`);
    }
    requested.allocation = draw(state, category, amount);
  }
  return accepting(state, 'DisbursementRequested', requested);
}

export function approveDisbursement(context) {
  const body = bodyOf(context, 'disbursementId', 'projectId', 'role');
  const state = project(context);
  const refusal = notPending(state, body);
  if (refusal) {
    return refusal;
  }
  const disbursement = lookup(state.disbursements, body.integer('disbursementId'));
  const role = roleNamed(context, body, DisbursementApprovers);
  if (role === null) {
    return refuse('RoleMissing', 'disbursements are approved as OwnerRepresentative, ConstructionSupervisor or ProjectManager, a role the signer holds');
  }
  if (disbursement.requestedBy === context.command.personId) {
    return refuse('RequesterCannotApprove', 'the person who requested a disbursement does not approve it');
  }
  if (hasValue(disbursement.approvals, context.command.personId)) {
    return refuse('ApproverAlreadySigned', 'one person approves a disbursement once, in one role');
  }
  if (disbursement.approvals.has(role)) {
    return refuse('RoleAlreadyApproved', `the ${role} has approved this disbursement already`);
  }
  return accepting(state, 'DisbursementApproved', { disbursementId: disbursement.id, role });
}

export function rejectDisbursement(context) {
  const body = bodyOf(context, 'disbursementId', 'projectId', 'reason', 'role');
  const state = project(context);
  const refusal = notPending(state, body);
  if (refusal) {
    return refusal;
  }
  const disbursement = lookup(state.disbursements, body.integer('disbursementId'));
  const role = roleNamed(context, body, DisbursementApprovers);
  if (role === null) {
    return refuse('RoleMissing', 'disbursements are rejected as OwnerRepresentative, ConstructionSupervisor or ProjectManager, a role the signer holds');
  }
  return accepting(state, 'DisbursementRejected', { disbursementId: disbursement.id, reason: text(body, 'reason'), role });
}

export function payDisbursement(context) {
  const body = bodyOf(context, 'bankReference', 'disbursementId', 'projectId');
  const state = project(context);
  const refusal = notPending(state, body);
  if (refusal) {
    return refusal;
  }
  const disbursement = lookup(state.disbursements, body.integer('disbursementId'));
  const bankReference = text(body, 'bankReference');
  const missing = DisbursementApprovers.filter(r => !disbursement.approvals.has(r));
  if (missing.length > 0) {
    return refuse('ApprovalsMissing', `still to approve: ${missing.join(', ')}`);
  }
  if (disbursement.requestedBy === context.command.personId || hasValue(disbursement.approvals, context.command.personId)) {
    return refuse('PayerNotDistinct', 'the payer is neither the requester nor an approver');
  }
  return accepting(state, 'DisbursementPaid', { amountFen: disbursement.amountFen, bankReference, disbursementId: disbursement.id });
}

export function proposeReversal(context) {
  const body = bodyOf(context, 'entrySequence', 'projectId', 'reason');
  const state = project(context);
  const refusal = unopened(state);
  if (refusal) {
    return refusal;
  }
  const target = body.integer('entrySequence');
  const reason = text(body, 'reason');
  const receipt = state.receipts.get(target);
  const payment = receipt ? null : [...state.disbursements.values()].find(d => d.paidSequence === target) ?? null;
  if (!receipt && !payment) {
    return refuse('NotReversible', `entry #${target} is neither a receipt nor a payment of this project`);
  }
  const kind = receipt ? ReceiptKind : PaymentKind;
  const reversedAlready = receipt ? receipt.reversed : paymentOf(state, target).status === 'PaymentReversed';
  if (reversedAlready || [...state.reversals.values()].some(r => r.entrySequence === target && !r.approved)) {
    return refuse('AlreadyReversed', `entry #${target} is reversed, or its reversal is awaiting approval`);
  }
  return accepting(state, 'ReversalProposed', {
    amountFen: (receipt ?? payment).amountFen, entrySequence: target, kind, reason, reversalId: state.sequence + 1,
  });
}

export function approveReversal(context) {
  const body = bodyOf(context, 'projectId', 'reversalId');
  const state = project(context);
  const refusal = unopened(state);
  if (refusal) {
    return refusal;
  }
  const reversal = state.reversals.get(body.integer('reversalId'));
  if (!reversal) {
    return refuse('UnknownReversal', `no reversal #${body.integer('reversalId')}`);
  }
  if (reversal.approved) {
    return refuse('ReversalNotPending', `reversal #${reversal.id} is approved already`);
  }
  if (reversal.proposedBy === context.command.personId) {
    return refuse('ProposerCannotApprove', 'the person who proposed a reversal does not approve it');
  }
  if (reversal.kind === ReceiptKind && reversal.amountFen > availableFen(state)) {
    return refuse('ReversalWouldOverdraw', `reversing it would leave less received than paid and pending (${availableFen(state)} fen available)`);
  }
  if (reversal.kind === ReceiptKind) {
    const source = lookup(state.receipts, reversal.entrySequence).source;
    if (reversal.amountFen > undrawnFen(state, source)) {
      return refuse('ReversalWouldOverdraw', `reversing it would leave ${source} with less than paid and pending requests drew on it (${undrawnFen(state, source)} fen undrawn)`);
    }
  }
  return accepting(state, 'ReversalApproved', { amountFen: reversal.amountFen, entrySequence: reversal.entrySequence, reversalId: reversal.id });
}

export function signReconciliation(context) {
  const body = bodyOf(context, 'closingBalanceFen', 'fromDate', 'matchedCount', 'projectId', 'statementHash', 'toDate', 'unmatchedLedgerCount', 'unmatchedStatementCount');
  const state = project(context);
  const refusal = unopened(state);
  if (refusal) {
    return refusal;
  }
  const from = parseDate(body.string('fromDate'), 'fromDate');
  const to = parseDate(body.string('toDate'), 'toDate');
  const closing = body.integer('closingBalanceFen');
  if (closing < 0 || closing > MaxAmountFen) {
    return refuse('AmountOutOfRange', `closingBalanceFen must be from 0 to ${MaxAmountFen} fen`);
  }
  const statementHash = body.hash('statementHash');
  for (const member of ['matchedCount', 'unmatchedStatementCount', 'unmatchedLedgerCount']) {
    const count = body.integer(member);
    if (count < 0 || count > MaxStatementLines) {
      return refuse('MalformedCommand', `${member} must be from 0 to ${MaxStatementLines}`);
    }
  }
  if (from > to) {
    return refuse('ReconciliationPeriodInvalid', `fromDate ${formatDate(from)} is after toDate ${formatDate(to)}`);
  }
  const last = [...state.reconciliations.values()].at(-1);
  if (last && from <= last.to) {
    return refuse('ReconciliationPeriodOverlaps', `the period must start after ${formatDate(last.to)}, the end of reconciliation #${last.id}`);
  }
  const end = periodEndsAt(to);
  if (context.now < end) {
    return refuse('ReconciliationPeriodNotEnded', `the period ends at ${formatTime(end)}`);
  }
  const ledgerBalance = balanceFenBefore(state, end);
  if (closing !== ledgerBalance) {
    return refuse('ReconciliationBalanceMismatch', `the statement closes on ${closing} fen; the ledger's balance at the end of the period is ${ledgerBalance} fen`);
  }
  return accepting(state, 'ReconciliationSigned', {
    closingBalanceFen: closing, fromDate: formatDate(from), matchedCount: body.integer('matchedCount'), reconciliationId: state.sequence + 1,
    statementHash, toDate: formatDate(to), unmatchedLedgerCount: body.integer('unmatchedLedgerCount'), unmatchedStatementCount: body.integer('unmatchedStatementCount'),
  });
}

export function countersignReconciliation(context) {
  const body = bodyOf(context, 'projectId', 'reconciliationId');
  const state = project(context);
  const refusal = unopened(state);
  if (refusal) {
    return refusal;
  }
  const reconciliation = state.reconciliations.get(body.integer('reconciliationId'));
  if (!reconciliation) {
    return refuse('UnknownReconciliation', `no reconciliation #${body.integer('reconciliationId')}`);
  }
  if (reconciliation.countersignedBy !== null) {
    return refuse('ReconciliationAlreadyCountersigned', `reconciliation #${reconciliation.id} is countersigned already`);
  }
  if (reconciliation.signedBy === context.command.personId) {
    return refuse('SignerCannotCountersign', 'the person who signed a reconciliation does not countersign it');
  }
  return accepting(state, 'ReconciliationCountersigned', {
    closingBalanceFen: reconciliation.closingBalanceFen, reconciliationId: reconciliation.id, toDate: formatDate(reconciliation.to),
  });
}

/** The households a CancelProject command lists for refunds: identifiers, else the command is malformed. */
export function refundsOf(command) {
  const refunds = typeof command.body === 'object' && command.body !== null && !Array.isArray(command.body) ? command.body.refunds : undefined;
  if (!Array.isArray(refunds) || !refunds.every(isIdentifier)) {
    throw new FormatError('refunds must be an array of household ids');
  }
  return refunds;
}

export function cancel(context) {
  const body = bodyOf(context, 'projectId', 'reason', 'refunds');
  const state = project(context);
  const refusal = unopened(state);
  if (refusal) {
    return refusal;
  }
  const reason = text(body, 'reason');
  if ([...state.disbursements.values()].some(d => d.status === 'Pending' || d.status === 'Paid')) {
    return refuse('DisbursementsOutstanding', 'a project with pending or paid disbursements is not cancelled');
  }
  const owed = [...state.contributionsFen].filter(([, fen]) => fen > 0).map(([id]) => id).sort(ordinal);
  const refunds = refundsOf(context.command);
  if (refunds.length !== owed.length || refunds.some((id, i) => id !== owed[i])) {
    return refuse('RefundListMismatch', `refunds must list exactly the households that paid, in order: ${owed.join(', ')}`);
  }
  const entries = [newEntry(streamOf(state.projectId), 'ProjectCancelled', { reason })];
  for (const householdId of owed) {
    const amountFen = state.contributionsFen.get(householdId);
    entries.push(newEntry(householdStream(householdId), 'CrowdfundingRefunded', { amountFen, projectId: state.projectId }));
    entries.push(newEntry(streamOf(state.projectId), 'ContributionRefunded', { amountFen, householdId }));
  }
  return accept(...entries);
}

export function close(context) {
  bodyOf(context, 'projectId');
  const state = project(context);
  const refusal = unopened(state);
  if (refusal) {
    return refusal;
  }
  if (totalPendingFen(state) > 0) {
    return refuse('DisbursementsOutstanding', 'disbursements are pending');
  }
  if (totalPaidFen(state) < state.contractPriceFen) {
    return refuse('ContractNotFullyPaid', `${state.contractPriceFen - totalPaidFen(state)} fen of the contract price are unpaid`);
  }
  return accepting(state, 'ProjectClosed', { paidFen: totalPaidFen(state), receivedFen: totalReceivedFen(state) });
}

/** A project after one of its entries (ProjectState.ApplyBody): never more committed than received. */
export function applyProject(state, entry) {
  const actor = entry.signedCommand.command.personId;
  const body = entry.body;
  const fields = members => new Fields(body, entry.type, members);
  const withDisbursement = (s, d) => ({ ...s, disbursements: new Map(s.disbursements).set(d.id, d) });
  // A movement on the account at this entry (AccountMovement): the entry's time, in ms.
  const moved = (amountFen, reference) => [...state.movements, { sequence: entry.sequence, recordedAt: Date.parse(entry.recordedAt), amountFen, reference }];
  let next;
  switch (entry.type) {
    case 'ProjectOpened': {
      const f = fields(OpenedMembers);
      next = {
        ...state, status: 'Open', name: f.string('name'), community: f.string('community'), contractPriceFen: f.integer('contractPriceFen'),
        plannedFen: readPlan(f.object('fundingPlan')), residentShareCapPercent: toInt32(f.integer('residentShareCapPercent')),
        tranches: readTranches(f.array('tranches')), warrantyMonths: toInt32(f.integer('warrantyMonths')),
        fundPolicy: f.has('fundPolicy') ? readFundPolicy(f.object('fundPolicy')) : null,
        votePolicy: f.has('votePolicy') ? readPolicy(f.object('votePolicy')) : null,
      };
      break;
    }
    case 'ReceiptRecorded': {
      const f = fields(ReceiptMembers);
      const receipt = { source: f.enumName(FundingSources, 'source', 'FundingSource'), amountFen: f.integer('amountFen'), documentHash: f.hash('documentHash'), reversed: false };
      next = { ...state, receipts: added(state.receipts, entry.sequence, receipt), movements: moved(f.integer('amountFen'), f.has('reference') ? f.string('reference') : null) };
      break;
    }
    case 'CampaignStarted': {
      const f = fields(CampaignMembers);
      const shares = f.array('shares').map(s => new Fields(s, 'share', ['floor', 'householdId', 'shareFen']));
      const sharesFen = new Map();
      for (const share of shares) {
        const id = share.string('householdId');
        if (sharesFen.has(id)) {
          throw new FormatError(`an item with the same key has already been added: ${id}`);
        }
        sharesFen.set(id, share.integer('shareFen'));
      }
      next = { ...state, campaign: { targetFen: f.integer('targetFen'), rule: f.string('rule'), sharesFen } };
      break;
    }
    case 'ContributionReceived':
    case 'ContributionRefunded': {
      const f = fields(ContributionMembers);
      const householdId = f.string('householdId');
      const amount = checked((entry.type === 'ContributionReceived' ? 1 : -1) * f.integer('amountFen'));
      const paid = checked((state.contributionsFen.get(householdId) ?? 0) + amount);
      invariant(paid >= 0, `household ${householdId}'s contribution to ${state.projectId} is never negative`);
      next = {
        ...state, contributionsFen: new Map(state.contributionsFen).set(householdId, paid), contributedFen: checked(state.contributedFen + amount),
        movements: moved(amount, householdId),
      };
      break;
    }
    case 'MilestoneAttested': {
      const f = fields(AttestedMembers);
      const milestone = f.enumName(Milestones, 'milestone', 'Milestone');
      const role = f.enumName(Roles, 'role', 'Role');
      const progress = state.milestones.get(milestone) ?? { attestedBy: new Map(), reachedAt: null };
      const attestedBy = added(progress.attestedBy, role, actor);
      const reachedAt = MilestoneAttesters.every(r => attestedBy.has(r)) ? Date.parse(entry.recordedAt) : null;
      next = { ...state, milestones: new Map(state.milestones).set(milestone, { attestedBy, reachedAt }) };
      break;
    }
    case 'DisbursementRequested': {
      const f = fields(RequestedMembers);
      invariant(f.integer('disbursementId') === entry.sequence, 'a disbursement is named by the sequence of its request');
      const disbursement = {
        id: entry.sequence, tranche: f.enumName(Tranches, 'tranche', 'Tranche'), amountFen: f.integer('amountFen'), payee: f.string('payee'),
        invoiceHash: f.hash('invoiceHash'), requestedBy: actor, approvals: new Map(), status: 'Pending', paidSequence: null,
        category: f.has('category') ? f.enumName(ExpenseCategories, 'category', 'ExpenseCategory') : null,
        allocationFen: f.has('allocation') ? readFenBySource(f.object('allocation'), 'allocation') : new Map(),
      };
      next = { ...state, disbursements: added(state.disbursements, entry.sequence, disbursement) };
      break;
    }
    case 'DisbursementApproved': {
      const f = fields(ApprovedMembers);
      const disbursement = lookup(state.disbursements, f.integer('disbursementId'));
      const role = f.enumName(Roles, 'role', 'Role');
      next = withDisbursement(state, { ...disbursement, approvals: added(disbursement.approvals, role, actor) });
      break;
    }
    case 'DisbursementRejected': {
      const f = fields(RejectedMembers);
      next = withDisbursement(state, { ...lookup(state.disbursements, f.integer('disbursementId')), status: 'Rejected' });
      break;
    }
    case 'DisbursementPaid': {
      const f = fields(PaidMembers);
      const disbursement = lookup(state.disbursements, f.integer('disbursementId'));
      invariant(f.integer('amountFen') === disbursement.amountFen, 'a payment pays exactly the amount requested');
      const bankReference = f.string('bankReference');
      next = {
        ...withDisbursement(state, { ...disbursement, status: 'Paid', paidBy: actor, bankReference, paidSequence: entry.sequence }),
        movements: moved(-disbursement.amountFen, bankReference),
      };
      break;
    }
    case 'ReversalProposed': {
      const f = fields(ReversalProposedMembers);
      const reversal = { id: entry.sequence, entrySequence: f.integer('entrySequence'), kind: f.string('kind'), amountFen: f.integer('amountFen'), proposedBy: actor, approved: false };
      next = { ...state, reversals: added(state.reversals, entry.sequence, reversal) };
      break;
    }
    case 'ReversalApproved': {
      const f = fields(ReversalApprovedMembers);
      const reversal = lookup(state.reversals, f.integer('reversalId'));
      const originals = state.movements.filter(m => m.sequence === reversal.entrySequence);
      if (originals.length !== 1) {
        throw new FormatError(`sequence contains ${originals.length === 0 ? 'no' : 'more than one'} matching element`);
      }
      const reversed = {
        ...state, reversals: new Map(state.reversals).set(reversal.id, { ...reversal, approved: true }),
        movements: moved(checked(-originals[0].amountFen), originals[0].reference),
      };
      next = reversal.kind === ReceiptKind
        ? { ...reversed, receipts: new Map(state.receipts).set(reversal.entrySequence, { ...lookup(state.receipts, reversal.entrySequence), reversed: true }) }
        : withDisbursement(reversed, { ...paymentOf(state, reversal.entrySequence), status: 'PaymentReversed' });
      break;
    }
    case 'ProjectCancelled':
      next = { ...state, status: 'Cancelled' };
      break;
    case 'ProjectClosed':
      next = { ...state, status: 'Closed' };
      break;
    case 'ReconciliationSigned': {
      const f = fields(ReconciliationSignedMembers);
      invariant(f.integer('reconciliationId') === entry.sequence, 'a reconciliation is named by the sequence of its entry');
      const reconciliation = {
        id: entry.sequence, from: parseDate(f.string('fromDate'), 'fromDate'), to: parseDate(f.string('toDate'), 'toDate'),
        closingBalanceFen: f.integer('closingBalanceFen'), statementHash: f.hash('statementHash'), matchedCount: f.integer('matchedCount'),
        unmatchedStatementCount: f.integer('unmatchedStatementCount'), unmatchedLedgerCount: f.integer('unmatchedLedgerCount'),
        signedBy: actor, countersignedBy: null,
      };
      next = { ...state, reconciliations: added(state.reconciliations, entry.sequence, reconciliation) };
      break;
    }
    case 'ReconciliationCountersigned': {
      const f = fields(ReconciliationCountersignedMembers);
      const reconciliation = lookup(state.reconciliations, f.integer('reconciliationId'));
      next = { ...state, reconciliations: new Map(state.reconciliations).set(reconciliation.id, { ...reconciliation, countersignedBy: actor }) };
      break;
    }
    case 'VoteOpened':
    case 'VoteClosed':
      next = applyVote(state, entry);
      break;
    default:
      throw new FormatError(`a project has no entry type ${entry.type}`);
  }
  invariant(availableFen(next) >= 0, `project ${state.projectId} never commits more than it received (after #${entry.sequence})`);
  invariant(next.fundPolicy === null || FundingSources.every(s => undrawnFen(next, s) >= 0),
    `project ${state.projectId} never draws more on a source than it received from it (after #${entry.sequence})`);
  return next;
}
