namespace Ledger.Tests.Support;

/// <summary>
/// The server's arguments for failure detection fast enough for a test or a fault run of
/// minutes: a silo that stops answering is declared dead after about two missed one-second
/// probes, where Orleans' defaults take about ten seconds. For loopback clusters on a test
/// machine only: on a real network, or under a long garbage-collection pause, probes this short
/// would declare live silos dead. One list for the cluster tests (tests/Verifier.Tests) and the
/// fault runner (bench/Chaos, which links this file).
/// </summary>
public static class FastFailover
{
    public static readonly IReadOnlyList<string> Arguments =
    [
        "--Silo:Membership:ProbeTimeout", "00:00:01",
        "--Silo:Membership:NumMissedProbesLimit", "2",
        "--Silo:Membership:NumVotesForDeathDeclaration", "1",
        "--Silo:Membership:TableRefreshTimeout", "00:00:02",
        // How long a grain call waits for its answer (Orleans' default: 30 s), so that a call
        // to a silo that died fails soon.
        "--Silo:Messaging:ResponseTimeout", "00:00:05",
    ];
}
