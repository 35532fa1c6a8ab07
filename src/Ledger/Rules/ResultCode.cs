namespace Ledger.Rules;

/// <summary>
/// Every outcome of a command, as a stable number (STYLE.md 8). Within each group the codes are
/// ordered by the precedence in which the checks run: when a command breaks two rules, the one
/// with the lower number is reported. Values are never renumbered; new codes are appended.
/// The API maps each code to an HTTP status in one table (src/Api/Endpoints/Problems.cs).
/// </summary>
public enum ResultCode
{
    Accepted = 0,

    // The envelope (docs/FORMAT.md §6), checked before any rule, in this order.
    MalformedCommand = 100,
    UnknownCommandType = 101,
    UnknownKey = 102,
    BadSignature = 103,
    KeyRevoked = 104,
    CommandStale = 105,
    CommandFromFuture = 106,
    RoleMissing = 107,
    IdempotencyKeyReused = 108,
    Conflict = 109,
    ClockBehindLog = 110,

    // The registry stream.
    RegistryNotOpen = 200,
    RegistryAlreadyOpen = 201,
    RootKeyMismatch = 202,
    PersonAlreadyRegistered = 203,
    UnknownPerson = 204,
    UnknownRole = 205,
    HouseholdRequired = 206,
    HouseholdNotAllowed = 207,
    KeyAlreadyRegistered = 208,
    KeyNotOfPerson = 209,
    KeyAlreadyRevoked = 210,
    RoleAlreadyHeld = 211,
    RoleNotHeld = 212,
    LastRegistrarKey = 213,
    InvalidPublicKey = 214,
    PublicKeyNotFullOrder = 215,
    InvalidLogVerifierKey = 216,
    LogKeyAlreadyNamed = 217,

    // The registry: households' exclusive floor areas, the owners' vote's weights (issue 17).
    FloorAreaOutOfRange = 230,

    // Project streams (docs/ENTRIES.md §project), in the order the project rules check them.
    ProjectNotOpen = 300,
    ProjectAlreadyOpen = 301,
    ProjectEnded = 302,
    AmountOutOfRange = 303,
    UnknownFundingSource = 304,
    InvalidFundingPlan = 305,
    ResidentShareAboveCap = 306,
    InvalidTranches = 307,
    CrowdfundingIsPaidByHouseholds = 308,
    ReceiptBeyondPlan = 309,
    CampaignAlreadyStarted = 310,
    CampaignTargetBeyondPlan = 311,
    InvalidShareRule = 312,
    NoCampaign = 313,
    NotResidentOfHousehold = 314,
    HouseholdNotInCampaign = 315,
    PaymentBeyondShare = 316,
    UnknownMilestone = 317,
    MilestoneOutOfOrder = 318,
    MilestoneAlreadyAttested = 319,
    AttesterAlreadySigned = 320,
    WarrantyNotExpired = 321,
    UnknownTranche = 322,
    TrancheLocked = 323,
    BeyondTrancheCap = 324,
    InsufficientFunds = 325,
    UnknownDisbursement = 326,
    DisbursementAlreadyPaid = 327,
    DisbursementNotPending = 328,
    RequesterCannotApprove = 329,
    ApproverAlreadySigned = 330,
    RoleAlreadyApproved = 331,
    ApprovalsMissing = 332,
    PayerNotDistinct = 333,
    NotReversible = 334,
    AlreadyReversed = 335,
    UnknownReversal = 336,
    ReversalNotPending = 337,
    ProposerCannotApprove = 338,
    ReversalWouldOverdraw = 339,
    DisbursementsOutstanding = 340,
    RefundListMismatch = 341,
    ContractNotFullyPaid = 342,

    // Project streams: restricted funds (docs/ENTRIES.md §"Restricted funds"), appended after the rest.
    InvalidFundPolicy = 343,
    UnknownExpenseCategory = 344,
    RestrictedFundsInsufficient = 345,

    // The owners' vote on a project (业主表决, docs/ENTRIES.md "The owners' vote"), in the order its rules check them.
    InvalidVotePolicy = 350,
    VoteAlreadyOpened = 351,
    InvalidVote = 352,
    InvalidVoteScope = 353,
    FloorAreaNotRecorded = 354,
    UnknownVote = 355,
    OutsideVotingPeriod = 356,
    BallotAlreadyCast = 357,
    VoteAlreadyClosed = 358,
    CampaignNeedsPassedVote = 359,

    // Project streams: reconciliation with the bank (docs/ENTRIES.md §project, docs/BANK.md).
    ReconciliationPeriodInvalid = 360,
    ReconciliationPeriodOverlaps = 361,
    ReconciliationPeriodNotEnded = 362,
    ReconciliationBalanceMismatch = 363,
    UnknownReconciliation = 364,
    ReconciliationAlreadyCountersigned = 365,
    SignerCannotCountersign = 366,

    // Household streams: points and redemptions (docs/ENTRIES.md §household).
    UnknownActivity = 400,
    PointsOutOfRange = 401,
    AwardReferenceUsed = 402,
    UnknownRedemption = 403,
    RedemptionNotReserved = 404,
    InsufficientPoints = 405,

    // The catalog stream (docs/ENTRIES.md §catalog).
    CatalogItemExists = 500,
    UnknownCatalogItem = 501,
    CatalogItemWithdrawn = 502,
    OutOfStock = 503,

    // The points policy (docs/ENTRIES.md "Points policy"), appended after the catalog's codes and
    // numbered in the groups of the streams that refuse them: its versions are kept in the
    // registry, the awards it prices in the households.
    InvalidPointsPolicy = 218,
    UnknownPolicyVersion = 219,
    PolicyVersionAlreadyApproved = 220,
    ProposerCannotApprovePolicy = 221,
    PolicyTakesEffectTooEarly = 222,
    ActivityNotInPolicy = 406,
    PointsNotAsPolicy = 407,
    AwardBeyondCap = 408,
}
