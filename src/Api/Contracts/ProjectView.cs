namespace Ledger.Api.Contracts;

// The public project views (docs/API.md "Views"): the figures a finance officer keeps and a
// resident supervisor checks against the public notice 公示. Every figure is read from the
// project's state as the rules fold it (src/Ledger/Rules/Projects/ProjectState.cs); money is
// integer fen, 1 yuan = 100 fen.

/// <summary>One project in the list of projects.</summary>
/// <param name="ProjectId">The project id, e.g. "b3-elevator"; its stream is "project/{projectId}".</param>
/// <param name="Name">The project's name, e.g. "3号楼加装电梯".</param>
/// <param name="Community">The residential community it belongs to.</param>
/// <param name="Status">Open, Closed or Cancelled.</param>
/// <param name="ContractPriceFen">The contract price, in fen.</param>
/// <param name="AvailableFen">Received − paid − pending, in fen: what can still be committed to a disbursement.</param>
public sealed record ProjectSummary(string ProjectId, string Name, string Community, string Status, long ContractPriceFen, long AvailableFen);

/// <summary>A project's figures: money in by source against plan, money out by tranche and milestone, and who signed what.</summary>
/// <param name="ProjectId">The project id.</param>
/// <param name="Name">The project's name.</param>
/// <param name="Community">The residential community it belongs to.</param>
/// <param name="Status">Open, Closed or Cancelled.</param>
/// <param name="Sequence">The last entry of the project stream these figures include.</param>
/// <param name="ContractPriceFen">The contract price, in fen.</param>
/// <param name="ResidentShareCapPercent">The most the residents' crowdfunding may be, in percent of the contract price.</param>
/// <param name="WarrantyMonths">The warranty period after acceptance, before the last tranche can open.</param>
/// <param name="FundingSources">Each funding source: planned against received.</param>
/// <param name="Tranches">Each tranche: its cap, whether its milestone unlocked it, what was paid and is pending from it.</param>
/// <param name="Totals">Received, paid, pending and available over the whole project.</param>
/// <param name="Milestones">Each milestone: who attested it in which role, and when it was reached.</param>
/// <param name="Campaign">The crowdfunding campaign; null until it is started.</param>
/// <param name="Receipts">Every receipt recorded, reversed ones included and marked.</param>
/// <param name="Disbursements">Every disbursement requested, whatever became of it.</param>
/// <param name="Reversals">Every reversal proposed, approved or not.</param>
/// <param name="Reconciliations">Every reconciliation with the bank signed, countersigned or not (docs/BANK.md).</param>
/// <param name="LastReconciled">The last period countersigned, with its closing balance; null while none is (the notice shows it).</param>
/// <param name="Votes">Every owners' vote of the project (业主表决): its question, scope and period, and once closed its tally and
/// result; how each household voted is not here (it is on the household's stream only).</param>
/// <param name="StaffNames">The registered name of each person this view names by id (requester, signers, attesters, payer,
/// proposer) who is staff: a resident's name is never public (issue 13 "Names, not ids"), so a person holding the Resident
/// role is left out and shown by id.</param>
/// <param name="FundDrawing">How a payment draws on the sources permitted for its category (docs/ENTRIES.md §"Restricted funds"):
/// InOrder or ProRata; null when the project's funds are not restricted.</param>
public sealed record ProjectView(
    string ProjectId,
    string Name,
    string Community,
    string Status,
    long Sequence,
    long ContractPriceFen,
    int ResidentShareCapPercent,
    int WarrantyMonths,
    IReadOnlyList<FundingSourceView> FundingSources,
    IReadOnlyList<TrancheView> Tranches,
    ProjectTotals Totals,
    IReadOnlyList<MilestoneView> Milestones,
    CampaignView? Campaign,
    IReadOnlyList<ReceiptView> Receipts,
    IReadOnlyList<DisbursementView> Disbursements,
    IReadOnlyList<ReversalView> Reversals,
    IReadOnlyList<ReconciliationView> Reconciliations,
    ReconciliationView? LastReconciled,
    IReadOnlyList<VoteView> Votes,
    IReadOnlyDictionary<string, string> StaffNames,
    string? FundDrawing);

/// <summary>An owners' vote and, once closed, its tally: counts and floor areas, never a household's choice.</summary>
/// <param name="VoteId">The vote's id within the project.</param>
/// <param name="Question">What the owners are asked.</param>
/// <param name="Matter">RaiseFunds 筹集资金, Rebuild 改建重建 (special majority) or Other (ordinary majority).</param>
/// <param name="OpensAt">When ballots may first be cast.</param>
/// <param name="ClosesAt">When ballots stop and the count may be made.</param>
/// <param name="ScopeHouseholds">How many households the vote asks.</param>
/// <param name="ScopeAreaHundredths">Their exclusive floor area in all, in hundredths of a square metre.</param>
/// <param name="Tally">The count; null while the vote is not closed.</param>
/// <param name="Passed">Whether it passed by the project's thresholds (art. 278); false while not closed.</param>
public sealed record VoteView(
    string VoteId, string Question, string Matter, string OpensAt, string ClosesAt, long ScopeHouseholds, long ScopeAreaHundredths,
    VoteTallyView? Tally, bool Passed);

/// <summary>A closed vote's count: households and floor area (hundredths of a m²) that agreed, were against, abstained.</summary>
/// <param name="AgreeHouseholds">Households that agreed.</param>
/// <param name="AgreeAreaHundredths">Their floor area.</param>
/// <param name="AgainstHouseholds">Households against.</param>
/// <param name="AgainstAreaHundredths">Their floor area.</param>
/// <param name="AbstainHouseholds">Households that abstained: they took part, and did not agree.</param>
/// <param name="AbstainAreaHundredths">Their floor area.</param>
public sealed record VoteTallyView(
    long AgreeHouseholds, long AgreeAreaHundredths, long AgainstHouseholds, long AgainstAreaHundredths, long AbstainHouseholds, long AbstainAreaHundredths);

/// <summary>Money from one funding source: planned against received.</summary>
/// <param name="Source">GovernmentSubsidy 政府补贴, SocialCapital 社会资本, ResidentCrowdfunding 居民众筹 or SelfRaised 自筹.</param>
/// <param name="PlannedFen">The amount the funding plan expects from this source, in fen.</param>
/// <param name="ReceivedFen">Received so far, in fen: receipts not reversed; for crowdfunding, the households' payments net of refunds.</param>
/// <param name="PermittedCategories">The expense categories this source may pay for, in the policy's words (Equipment 设备, Installation
/// 安装施工, Design 设计, Supervision 监理, Other); null when the project's funds are not restricted, empty when this source pays for nothing.</param>
/// <param name="DrawnFen">What paid and pending disbursements draw on this source, in fen (restricted funds; 0 otherwise).</param>
/// <param name="SpentFen">What this source paid for, by category: payments not reversed, in fen (restricted funds; empty otherwise).</param>
public sealed record FundingSourceView(
    string Source, long PlannedFen, long ReceivedFen, IReadOnlyList<string>? PermittedCategories, long DrawnFen, IReadOnlyDictionary<string, long> SpentFen);

/// <summary>One tranche of the payment policy 按进度、按质量、按审计 (seed 001 §9.2).</summary>
/// <param name="Tranche">Progress 进度款, Acceptance 验收款 or Warranty 质保金.</param>
/// <param name="Percent">The tranche's share of the contract price, in percent.</param>
/// <param name="CumulativeCapFen">The most that may be paid or pending up to and including this tranche, in fen.</param>
/// <param name="Milestone">The milestone that unlocks the tranche.</param>
/// <param name="Unlocked">Whether that milestone is reached.</param>
/// <param name="PaidFen">Paid from this tranche and not reversed, in fen.</param>
/// <param name="PendingFen">Requested from this tranche, neither paid nor rejected, in fen.</param>
public sealed record TrancheView(string Tranche, int Percent, long CumulativeCapFen, string Milestone, bool Unlocked, long PaidFen, long PendingFen);

/// <summary>The project's totals.</summary>
/// <param name="ReceivedFen">Received from every source, in fen.</param>
/// <param name="PaidFen">Disbursements paid and not reversed, in fen.</param>
/// <param name="PendingFen">Disbursements requested, neither paid nor rejected, in fen.</param>
/// <param name="AvailableFen">Received − paid − pending, in fen; never negative.</param>
public sealed record ProjectTotals(long ReceivedFen, long PaidFen, long PendingFen, long AvailableFen);

/// <summary>A milestone and its attestations; it is reached when both the project manager and the construction supervisor have attested.</summary>
/// <param name="Milestone">ProgressVerified, AcceptancePassed or WarrantyExpired.</param>
/// <param name="AttestedBy">Who attested, by role: "ProjectManager" and "ConstructionSupervisor" → person id.</param>
/// <param name="ReachedAt">When the second attestation was recorded, e.g. "2026-01-31T08:00:00.000Z"; null while not reached.</param>
public sealed record MilestoneView(string Milestone, IReadOnlyDictionary<string, string> AttestedBy, string? ReachedAt);

/// <summary>The crowdfunding campaign 居民众筹, without any household's detail.</summary>
/// <param name="TargetFen">What the households are asked for in all, in fen.</param>
/// <param name="Rule">ByFloor 按楼层分摊 or Flat.</param>
/// <param name="Households">How many households have a share.</param>
/// <param name="PaidFen">What the households have paid in all, net of refunds, in fen.</param>
public sealed record CampaignView(long TargetFen, string Rule, int Households, long PaidFen);

/// <summary>Money received from a source other than the households.</summary>
/// <param name="Sequence">The ReceiptRecorded entry's sequence in the project stream (what a reversal names).</param>
/// <param name="Source">The funding source.</param>
/// <param name="AmountFen">The amount, in fen.</param>
/// <param name="DocumentHash">SHA-256 of the receipt's document (a subsidy letter, a contract), lowercase hex.</param>
/// <param name="Reversed">Whether an approved reversal took it out of the figures.</param>
public sealed record ReceiptView(long Sequence, string Source, long AmountFen, string DocumentHash, bool Reversed);

/// <summary>A disbursement from request to payment, signed by three parties 三方签字 (seed 001 §9.2).</summary>
/// <param name="DisbursementId">The DisbursementRequested entry's sequence.</param>
/// <param name="Tranche">The tranche it is paid from.</param>
/// <param name="AmountFen">The amount requested, in fen.</param>
/// <param name="Payee">Who is to be paid.</param>
/// <param name="InvoiceHash">SHA-256 of the invoice, lowercase hex.</param>
/// <param name="Status">Pending, Rejected, Paid or PaymentReversed.</param>
/// <param name="RequestedBy">The finance officer who requested it.</param>
/// <param name="Approvals">The approvals it has, by role: "OwnerRepresentative", "ConstructionSupervisor", "ProjectManager" → person id.</param>
/// <param name="ApprovalsMissing">The approver roles that have not approved it yet.</param>
/// <param name="PaidBy">The finance officer who paid it; null until paid.</param>
/// <param name="BankReference">The bank's reference of the payment; null until paid.</param>
/// <param name="PaidSequence">The DisbursementPaid entry's sequence (what a reversal names); null until paid.</param>
/// <param name="Category">What it pays for (Equipment, Installation, Design, Supervision, Other); null when the request named none.</param>
/// <param name="AllocationFen">How much each funding source pays, in fen, drawn when it was requested (restricted funds; empty otherwise).</param>
public sealed record DisbursementView(
    long DisbursementId,
    string Tranche,
    long AmountFen,
    string Payee,
    string InvoiceHash,
    string Status,
    string RequestedBy,
    IReadOnlyDictionary<string, string> Approvals,
    IReadOnlyList<string> ApprovalsMissing,
    string? PaidBy,
    string? BankReference,
    long? PaidSequence,
    string? Category,
    IReadOnlyDictionary<string, long> AllocationFen);

/// <summary>A proposal to reverse a receipt or a payment: mistakes are reversed by a signed entry, never edited.</summary>
/// <param name="ReversalId">The ReversalProposed entry's sequence.</param>
/// <param name="Kind">Receipt or Payment.</param>
/// <param name="EntrySequence">The sequence of the ReceiptRecorded or DisbursementPaid entry it reverses.</param>
/// <param name="AmountFen">The amount it takes out of the figures, in fen.</param>
/// <param name="ProposedBy">The finance officer who proposed it (the reason is in the entry's body).</param>
/// <param name="Approved">Whether a resident supervisor approved it: only then does it count.</param>
public sealed record ReversalView(long ReversalId, string Kind, long EntrySequence, long AmountFen, string ProposedBy, bool Approved);
