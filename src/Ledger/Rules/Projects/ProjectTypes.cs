namespace Ledger.Rules.Projects;

/// <summary>The command types of project streams (docs/ENTRIES.md §project).</summary>
public static class ProjectCommandTypes
{
    public const string OpenProject = "OpenProject";
    public const string RecordReceipt = "RecordReceipt";
    public const string StartCampaign = "StartCampaign";
    public const string PayShare = "PayShare";
    public const string AttestMilestone = "AttestMilestone";
    public const string RequestDisbursement = "RequestDisbursement";
    public const string ApproveDisbursement = "ApproveDisbursement";
    public const string RejectDisbursement = "RejectDisbursement";
    public const string PayDisbursement = "PayDisbursement";
    public const string ProposeReversal = "ProposeReversal";
    public const string ApproveReversal = "ApproveReversal";
    public const string CancelProject = "CancelProject";
    public const string CloseProject = "CloseProject";
    public const string SignReconciliation = "SignReconciliation";
    public const string CountersignReconciliation = "CountersignReconciliation";
    public const string OpenVote = "OpenVote";
    public const string CloseVote = "CloseVote";
}

/// <summary>The entry types of project streams (docs/ENTRIES.md §project).</summary>
public static class ProjectEntryTypes
{
    public const string ProjectOpened = "ProjectOpened";
    public const string ReceiptRecorded = "ReceiptRecorded";
    public const string CampaignStarted = "CampaignStarted";
    public const string ContributionReceived = "ContributionReceived";
    public const string ContributionRefunded = "ContributionRefunded";
    public const string MilestoneAttested = "MilestoneAttested";
    public const string DisbursementRequested = "DisbursementRequested";
    public const string DisbursementApproved = "DisbursementApproved";
    public const string DisbursementRejected = "DisbursementRejected";
    public const string DisbursementPaid = "DisbursementPaid";
    public const string ReversalProposed = "ReversalProposed";
    public const string ReversalApproved = "ReversalApproved";
    public const string ProjectCancelled = "ProjectCancelled";
    public const string ProjectClosed = "ProjectClosed";
    public const string ReconciliationSigned = "ReconciliationSigned";
    public const string ReconciliationCountersigned = "ReconciliationCountersigned";
    public const string VoteOpened = "VoteOpened";
    public const string VoteClosed = "VoteClosed";
}
