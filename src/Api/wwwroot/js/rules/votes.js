// The owners' vote (src/Ledger/Rules/Projects/VoteRules.cs, OwnersVote.cs): opened on a project
// for its scope, one ballot per household on the household's stream, counted by art. 278's
// double majority when it closes. Integers only: part·d against whole·n.

import { checked, Fields, FormatError, formatTime, invariant, isIdentifier, lookup, parseTime, sum } from './fields.js';
import * as households from './households.js';
import { projectContext, streamOf, text, unopened } from './projects.js';
import { accept, newEntry, refuse } from './registry.js';

export const Matters = ['RaiseFunds', 'Rebuild', 'Other'];
export const Choices = ['Agree', 'Against', 'Abstain'];
const MaxScopeHouseholds = 10_000;
const MaxDenominator = 100;
const Defaults = { participation: [2, 3], specialMajority: [3, 4], ordinaryMajority: [1, 2] };
const Thresholds = ['ordinaryMajority', 'participation', 'specialMajority'];

export const VoteOpenedMembers = ['closesAt', 'households', 'matter', 'opensAt', 'question', 'voteId'];
export const VoteClosedMembers = ['abstainAreaHundredths', 'abstainHouseholds', 'againstAreaHundredths', 'againstHouseholds', 'agreeAreaHundredths', 'agreeHouseholds', 'passed', 'voteId'];
export const BallotIssuedMembers = ['closesAt', 'opensAt', 'projectId', 'voteId'];
export const BallotCastMembers = ['choice', 'projectId', 'voteId'];
export const BallotCountedMembers = ['projectId', 'voteId'];

/** The households of OpenVote's and CloseVote's scope (Routing.ScopeOf): the streams they write. */
export function scopeOf(command) {
  const list = command.body !== null && typeof command.body === 'object' ? command.body.households : undefined;
  if (!Array.isArray(list) || list.some(h => typeof h !== 'string' || !isIdentifier(h))) {
    throw new FormatError('households must be an array of household ids');
  }
  return list;
}

/** VotePolicy.Read: the policy with every threshold, defaults filled in; as [numerator, denominator]. */
export function readPolicy(value) {
  const fields = new Fields(value, 'votePolicy', ['campaignRequiresVote', ...Thresholds]);
  const policy = { campaignRequiresVote: fields.boolean('campaignRequiresVote') };
  for (const name of Thresholds) {
    if (fields.has(name)) {
      const fraction = new Fields(fields.object(name), 'a fraction', ['denominator', 'numerator']);
      policy[name] = [fraction.integer('numerator'), fraction.integer('denominator')];
    } else {
      policy[name] = Defaults[name];
    }
  }
  return policy;
}

const validFraction = ([n, d]) => n >= 1 && n <= d && d <= MaxDenominator;

export const isValidPolicy = policy => Thresholds.every(t => validFraction(policy[t])) && policy.ordinaryMajority[0] < policy.ordinaryMajority[1];

export const policyJson = policy => ({
  campaignRequiresVote: policy.campaignRequiresVote,
  ...Object.fromEntries(Thresholds.map(t => [t, { denominator: policy[t][1], numerator: policy[t][0] }])),
});

const atLeast = ([n, d], part, whole) => checked(part * d) >= checked(whole * n);
const moreThan = ([n, d], part, whole) => checked(part * d) > checked(whole * n);

/** VotePolicy.Passes: participation by area and head, then agreement (abstentions take part and do not agree). */
export function passes(policy, matter, scope, tally) {
  const households = tally.agree.households + tally.against.households + tally.abstain.households;
  const area = checked(tally.agree.area + tally.against.area + tally.abstain.area);
  if (!atLeast(policy.participation, households, scope.households) || !atLeast(policy.participation, area, scope.area)) {
    return false;
  }
  return matter === 'Other'
    ? moreThan(policy.ordinaryMajority, tally.agree.households, households) && moreThan(policy.ordinaryMajority, tally.agree.area, area)
    : atLeast(policy.specialMajority, tally.agree.households, households) && atLeast(policy.specialMajority, tally.agree.area, area);
}

/** StartCampaign's check (VoteRules.CampaignRefusal). */
export function campaignRefusal(state) {
  return state.votePolicy?.campaignRequiresVote && ![...state.votes.values()].some(v => v.passed && v.matter !== 'Other')
    ? refuse('CampaignNeedsPassedVote', `project ${state.projectId}'s policy asks for a passed owners' vote on raising money or rebuilding before its campaign`)
    : null;
}

const ballotKey = (projectId, voteId) => `${projectId}/${voteId}`;

/** JsonFields.Time: a member that is a time as the ledger writes it. */
function timeOf(fields, name) {
  const time = parseTime(fields.string(name));
  if (time === null) {
    throw new FormatError(`member "${name}" must be a time like 2026-01-31T08:00:00.000Z`);
  }
  return time;
}

export function openVote(context) {
  const { body, state } = projectContext(context, 'closesAt', 'households', 'matter', 'opensAt', 'projectId', 'question', 'voteId');
  const refusal = unopened(state);
  if (refusal) {
    return refusal;
  }
  const voteId = body.string('voteId');
  if (!isIdentifier(voteId)) {
    return refuse('MalformedCommand', 'voteId must be an identifier');
  }
  if (state.votes.has(voteId)) {
    return refuse('VoteAlreadyOpened', `vote ${voteId} of project ${state.projectId} was opened already`);
  }
  const question = text(body, 'question');
  const opensAt = timeOf(body, 'opensAt');
  const closesAt = timeOf(body, 'closesAt');
  const matter = body.string('matter');
  if (!Matters.includes(matter) || opensAt >= closesAt || closesAt <= context.now) {
    return refuse('InvalidVote', `matter is one of ${Matters.join(', ')}, and the vote closes after it opens and after now`);
  }
  const scope = scopeOf(context.command);
  const sorted = [...new Set(scope)].sort((a, b) => a < b ? -1 : a > b ? 1 : 0);
  if (scope.length === 0 || scope.length > MaxScopeHouseholds || sorted.join('\n') !== scope.join('\n')) {
    return refuse('InvalidVoteScope', `households lists 1 to ${MaxScopeHouseholds} distinct household ids, sorted`);
  }
  const unmeasured = scope.find(h => !context.registry.floorAreas.has(h));
  if (unmeasured !== undefined) {
    return refuse('FloorAreaNotRecorded', `the registrar has not recorded the floor area of household ${unmeasured}`);
  }
  const paper = { closesAt: formatTime(closesAt), opensAt: formatTime(opensAt), projectId: state.projectId, voteId };
  return accept(
    newEntry(streamOf(state.projectId), 'VoteOpened', {
      closesAt: formatTime(closesAt),
      households: scope.map(householdId => ({ floorAreaHundredths: context.registry.floorAreas.get(householdId), householdId })),
      matter, opensAt: formatTime(opensAt), question, voteId,
    }),
    ...scope.map(h => newEntry(households.streamOf(h), 'BallotIssued', { ...paper })));
}

export function castBallot(context) {
  const body = new Fields(context.command.body, 'body', ['choice', 'householdId', 'projectId', 'voteId']);
  const householdId = body.string('householdId');
  const state = context.state(households.streamOf(householdId));
  const notResident = households.residentCheck(context, householdId);
  if (notResident) {
    return notResident;
  }
  const choice = body.string('choice');
  if (!Choices.includes(choice)) {
    return refuse('InvalidVote', `choice is one of ${Choices.join(', ')}`);
  }
  const ballot = state.ballots.get(ballotKey(body.string('projectId'), body.string('voteId')));
  if (ballot === undefined) {
    return refuse('UnknownVote', `household ${householdId} has no ballot in vote ${body.string('voteId')} of project ${body.string('projectId')}`);
  }
  if (context.now < ballot.opensAt || context.now >= ballot.closesAt || ballot.counted) {
    return refuse('OutsideVotingPeriod', `ballots are cast from ${formatTime(ballot.opensAt)} until ${formatTime(ballot.closesAt)}`);
  }
  if (ballot.choice !== null) {
    return refuse('BallotAlreadyCast', `household ${householdId} has voted in this vote already`);
  }
  return accept(newEntry(households.streamOf(householdId), 'BallotCast', { choice, projectId: ballot.projectId, voteId: ballot.voteId }));
}

export function closeVote(context) {
  const { body, state } = projectContext(context, 'households', 'projectId', 'voteId');
  const refusal = unopened(state);
  if (refusal) {
    return refusal;
  }
  const scope = scopeOf(context.command);
  const vote = state.votes.get(body.string('voteId'));
  if (vote === undefined) {
    return refuse('UnknownVote', `project ${state.projectId} has no vote ${body.string('voteId')}`);
  }
  const inScope = [...vote.scopeAreas.keys()];
  if (scope.join('\n') !== inScope.join('\n') || scope.length !== inScope.length) {
    return refuse('InvalidVoteScope', `households must list the vote's scope, sorted: ${inScope.join(', ')}`);
  }
  if (context.now < vote.closesAt) {
    return refuse('OutsideVotingPeriod', `the vote closes at ${formatTime(vote.closesAt)}`);
  }
  if (vote.tally !== null) {
    return refuse('VoteAlreadyClosed', `vote ${vote.voteId} is closed`);
  }
  const tally = { agree: { households: 0, area: 0 }, against: { households: 0, area: 0 }, abstain: { households: 0, area: 0 } };
  for (const [householdId, area] of vote.scopeAreas) {
    const ballot = context.state(households.streamOf(householdId)).ballots.get(ballotKey(state.projectId, vote.voteId));
    invariant(ballot !== undefined, `household ${householdId} in the scope of vote ${vote.voteId} holds its ballot paper`);
    if (ballot.choice !== null) {
      const weight = tally[ballot.choice.toLowerCase()];
      weight.households += 1;
      weight.area = checked(weight.area + area);
    }
  }
  const scopeWeight = { households: vote.scopeAreas.size, area: sum([...vote.scopeAreas.values()]) };
  const passed = passes(state.votePolicy ?? { ...Defaults }, vote.matter, scopeWeight, tally);
  return accept(
    newEntry(streamOf(state.projectId), 'VoteClosed', { ...tallyJson(tally), passed, voteId: vote.voteId }),
    ...inScope.map(h => newEntry(households.streamOf(h), 'BallotCounted', { projectId: state.projectId, voteId: vote.voteId })));
}

const tallyJson = tally => ({
  abstainAreaHundredths: tally.abstain.area, abstainHouseholds: tally.abstain.households,
  againstAreaHundredths: tally.against.area, againstHouseholds: tally.against.households,
  agreeAreaHundredths: tally.agree.area, agreeHouseholds: tally.agree.households,
});

/** The project after VoteOpened or VoteClosed. */
export function applyVote(state, entry) {
  if (entry.type === 'VoteOpened') {
    const f = new Fields(entry.body, entry.type, VoteOpenedMembers);
    const scopeAreas = new Map();
    for (const h of f.array('households').map(h => new Fields(h, 'a household in scope', ['floorAreaHundredths', 'householdId']))) {
      invariant(!scopeAreas.has(h.string('householdId')), 'a household is in a scope once');
      scopeAreas.set(h.string('householdId'), h.integer('floorAreaHundredths'));
    }
    const vote = {
      voteId: f.string('voteId'), matter: f.enumName(Matters, 'matter', 'VoteMatter'), scopeAreas,
      opensAt: timeOf(f, 'opensAt'), closesAt: timeOf(f, 'closesAt'), tally: null, passed: false,
    };
    invariant(!state.votes.has(vote.voteId), 'a vote is opened once');
    return { ...state, votes: new Map(state.votes).set(vote.voteId, vote) };
  }
  const f = new Fields(entry.body, entry.type, VoteClosedMembers);
  const vote = lookup(state.votes, f.string('voteId'));
  invariant(vote.tally === null, 'a vote is closed once');
  const weight = name => ({ households: f.integer(`${name}Households`), area: f.integer(`${name}AreaHundredths`) });
  return { ...state, votes: new Map(state.votes).set(vote.voteId, { ...vote, tally: { agree: weight('agree'), against: weight('against'), abstain: weight('abstain') }, passed: f.boolean('passed') }) };
}

/** The household after BallotIssued, BallotCast or BallotCounted. */
export function applyBallot(state, entry) {
  if (entry.type === 'BallotIssued') {
    const f = new Fields(entry.body, entry.type, BallotIssuedMembers);
    const ballot = {
      projectId: f.string('projectId'), voteId: f.string('voteId'), opensAt: timeOf(f, 'opensAt'), closesAt: timeOf(f, 'closesAt'),
      choice: null, counted: false,
    };
    const key = ballotKey(ballot.projectId, ballot.voteId);
    invariant(!state.ballots.has(key), 'a household gets one ballot paper per vote');
    return { ...state, ballots: new Map(state.ballots).set(key, ballot) };
  }
  const f = new Fields(entry.body, entry.type, entry.type === 'BallotCast' ? BallotCastMembers : BallotCountedMembers);
  const key = ballotKey(f.string('projectId'), f.string('voteId'));
  const ballot = lookup(state.ballots, key);
  invariant(!ballot.counted, 'a ballot is neither cast nor counted after its vote closed');
  const next = entry.type === 'BallotCast'
    ? (invariant(ballot.choice === null, 'a household casts one ballot per vote'), { ...ballot, choice: f.enumName(Choices, 'choice', 'BallotChoice') })
    : { ...ballot, counted: true };
  return { ...state, ballots: new Map(state.ballots).set(key, next) };
}
