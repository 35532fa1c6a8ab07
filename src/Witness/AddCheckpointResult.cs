namespace Ledger.Witness;

/// <summary>
/// What the witness answers an add-checkpoint request, in the order tlog-witness.md
/// "add-checkpoint" checks (STYLE.md 8), with the HTTP status the spec gives each
/// (<see cref="AddCheckpointAnswers.StatusCode"/>). Shown to logs and operators: never renumber.
/// </summary>
public enum AddCheckpointResult
{
    /// <summary>200: consistent with the newest checkpoint cosigned for the log, which it now is.</summary>
    Cosigned = 0,

    /// <summary>400: the body is not "old N", proof lines, an empty line and a signed checkpoint note.</summary>
    Malformed = 1,

    /// <summary>404: the checkpoint's origin is not a log this witness was configured with.</summary>
    UnknownLog = 2,

    /// <summary>403: no signature by the log's key, or one by its key that does not verify.</summary>
    NotSignedByLog = 3,

    /// <summary>400: the old size is above the checkpoint's size.</summary>
    OldSizeAboveCheckpoint = 4,

    /// <summary>409: the old size is not the size of the newest checkpoint cosigned for the log (0 if none); the answer says which.</summary>
    OldSizeNotLatest = 5,

    /// <summary>422: a checkpoint of size 0 whose root is not the hash of the empty string (RFC 6962 §2.1).</summary>
    EmptyTreeRootWrong = 6,

    /// <summary>422: a consistency proof from size 0, where none is needed and none may be sent.</summary>
    ProofFromEmptyTree = 7,

    /// <summary>422: the proof does not show the checkpoint extends the newest one cosigned (with the same size: another root, a fork).</summary>
    Inconsistent = 8,
}

/// <summary>The one table from a result to its HTTP status (tlog-witness.md "add-checkpoint").</summary>
public static class AddCheckpointAnswers
{
    public static int StatusCode(this AddCheckpointResult result) => result switch
    {
        AddCheckpointResult.Cosigned => 200,
        AddCheckpointResult.Malformed or AddCheckpointResult.OldSizeAboveCheckpoint => 400,
        AddCheckpointResult.NotSignedByLog => 403,
        AddCheckpointResult.UnknownLog => 404,
        AddCheckpointResult.OldSizeNotLatest => 409,
        AddCheckpointResult.EmptyTreeRootWrong or AddCheckpointResult.ProofFromEmptyTree or AddCheckpointResult.Inconsistent => 422,
        _ => throw new ArgumentOutOfRangeException(nameof(result), result, "an add-checkpoint result has a status"),
    };
}
