namespace Ledger.Grains.Hosting;

/// <summary>
/// The silo holding the command's grain did not answer (it stopped, or the cluster is moving
/// its grains after a failure): the command may or may not have been written, and the same
/// command sent again is written at most once, by the grain's next activation.
/// </summary>
public sealed class ClusterUnavailableException(Exception cause)
    : Exception("the grain deciding this command did not answer; send the same command again: it is written at most once", cause);
