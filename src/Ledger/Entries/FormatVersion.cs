namespace Ledger.Entries;

/// <summary>
/// The format version and the domain-separation prefixes of docs/FORMAT.md §3. A prefix ends
/// in a newline so that no prefix is a prefix of another, and it carries the version so that
/// bytes hashed or signed under one version can never be read as another's.
/// </summary>
public static class FormatVersion
{
    public const int Current = 1;

    public static ReadOnlySpan<byte> EntryHashPrefix => "CommunityLedger/v1/entry\n"u8;

    public static ReadOnlySpan<byte> CommandSignaturePrefix => "CommunityLedger/v1/command\n"u8;

    public static ReadOnlySpan<byte> KeyIdPrefix => "CommunityLedger/v1/key\n"u8;
}
