using System.Text.RegularExpressions;

namespace Ledger.Entries;

/// <summary>
/// The spelling of the names that appear in entries (FORMAT.md §5): identifiers of people,
/// projects and households; stream ids; command and entry types. Restricted to ASCII so that
/// a name is one byte sequence everywhere it is compared, stored or printed. Each pattern
/// matches the whole string: it ends in \z, since .NET's $ also matches before a final line
/// feed, which let "nl-person\n" through (issue 15).
/// </summary>
public static partial class Names
{
    public const int MaxIdentifierLength = 64;

    /// <summary>A person, project, household, campaign or item id: letters, digits, '.', '_', '-'.</summary>
    public static bool IsIdentifier(string? text) => text is not null && IdentifierPattern().IsMatch(text);

    /// <summary>"registry", "catalog", or a kind and an identifier: "project/p-1", "household/h-101".</summary>
    public static bool IsStreamId(string? text) => text is not null && StreamIdPattern().IsMatch(text);

    /// <summary>Command and entry types are PascalCase words: "RegisterPerson", "PersonRegistered".</summary>
    public static bool IsTypeName(string? text) => text is not null && TypeNamePattern().IsMatch(text);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}\\z")]
    private static partial Regex IdentifierPattern();

    [GeneratedRegex("^(registry|catalog|(project|household)/[A-Za-z0-9][A-Za-z0-9._-]{0,63})\\z")]
    private static partial Regex StreamIdPattern();

    [GeneratedRegex("^[A-Z][A-Za-z0-9]{0,63}\\z")]
    private static partial Regex TypeNamePattern();
}
