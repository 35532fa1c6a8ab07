using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Ledger.Bodies;
using Ledger.Rules.Catalog;
using Ledger.Rules.Households;
using Ledger.Rules.Projects;
using Ledger.Rules.Registry;
using Ledger.Tests.Support;
using Ledger.Tests.Tampering;

namespace Ledger.Tests.Format;

/// <summary>
/// Issue 15 item 6: docs/ENTRIES.md "Entry bodies" gives every entry type's body with every
/// member, so a verifier written from the documents alone knows what to expect. The table is
/// held to the entry types the rules define and to every body in the demo export.
/// </summary>
[Collection(DemoExportCollection.Name)]
public sealed partial class EntryBodiesDocumentTests(DemoExport demo)
{
    /// <summary>A member's name at the table's top level: before any `{` or `[` nesting, `?` when optional.</summary>
    sealed record Documented(string Stream, IReadOnlySet<string> Required, IReadOnlySet<string> Optional);

    [Fact]
    public void Documents_exactly_the_entry_types_the_rules_write()
    {
        var defined = new[] { typeof(RegistryEntryTypes), typeof(ProjectEntryTypes), typeof(HouseholdEntryTypes), typeof(CatalogEntryTypes) }
            .SelectMany(type => type.GetFields(BindingFlags.Public | BindingFlags.Static))
            .Where(field => field.IsLiteral)
            .Select(field => (string)field.GetRawConstantValue()!)
            .ToHashSet();
        Assert.Equal(defined.Order(), Table().Keys.Order());
    }

    [Fact]
    public void Every_entry_type_has_a_body_record_that_allows_exactly_the_documented_members()
    {
        var table = Table();
        Assert.Equal(table.Keys.Order(), EntryBodies.All.Select(e => e.EntryType).Order());
        foreach (var (type, body) in EntryBodies.All)
        {
            var members = (IReadOnlyList<string>)body.GetProperty(nameof(KeyAddedBody.Members), BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
            Assert.Equal(table[type].Required.Union(table[type].Optional).Order(StringComparer.Ordinal), members);
        }
    }

    [Fact]
    public void Every_body_of_the_demo_export_has_the_documented_members()
    {
        var table = Table();
        var seen = new HashSet<string>();
        foreach (var line in demo.Lines)
        {
            var entry = JsonNode.Parse(line)!.AsObject();
            var type = (string)entry["type"]!;
            var stream = (string)entry["stream"]!;
            Assert.True(table.TryGetValue(type, out var documented), $"{type} is not in docs/ENTRIES.md");
            Assert.Equal(documented.Stream, StreamKind(stream));
            var members = entry["body"]!.AsObject().Select(member => member.Key).ToHashSet();
            Assert.True(documented.Required.IsSubsetOf(members), $"{type} at {stream}: lacks {string.Join(", ", documented.Required.Except(members))}");
            Assert.True(members.IsSubsetOf(documented.Required.Union(documented.Optional)),
                $"{type} at {stream}: has undocumented {string.Join(", ", members.Except(documented.Required).Except(documented.Optional))}");
            seen.Add(type);
        }
        // The demo is the story of the seeds: most types occur in it; this keeps the check from passing on an empty export.
        Assert.True(seen.Count >= 20, $"only {seen.Count} entry types in the demo export");
    }

    static string StreamKind(string stream) => stream.Split('/')[0] switch
    {
        "project" => "project/{projectId}",
        "household" => "household/{householdId}",
        var other => other,
    };

    static Dictionary<string, Documented> Table()
    {
        var text = File.ReadAllText(Path.Combine(RepositoryFolder.Root, "docs", "ENTRIES.md"));
        var section = text[text.IndexOf("\n## Entry bodies", StringComparison.Ordinal)..];
        var table = new Dictionary<string, Documented>();
        foreach (Match row in Row().Matches(section))
        {
            var members = TopLevel(row.Groups["members"].Value);
            table.Add(row.Groups["type"].Value, new Documented(row.Groups["stream"].Value,
                members.Where(m => !m.Optional).Select(m => m.Name).ToHashSet(),
                members.Where(m => m.Optional).Select(m => m.Name).ToHashSet()));
        }
        Assert.NotEmpty(table);
        return table;
    }

    /// <summary>The top-level members of a cell: backquoted names outside braces, brackets and parentheses.</summary>
    static List<(string Name, bool Optional)> TopLevel(string cell)
    {
        var members = new List<(string, bool)>();
        var depth = 0;
        for (var i = 0; i < cell.Length; i++)
        {
            switch (cell[i])
            {
                case '{' or '[' or '(':
                    depth++;
                    break;
                case '}' or ']' or ')':
                    depth--;
                    break;
                case '`' when depth == 0:
                    var end = cell.IndexOf('`', i + 1);
                    members.Add((cell[(i + 1)..end], end + 1 < cell.Length && cell[end + 1] == '?'));
                    i = end;
                    break;
            }
        }
        return members;
    }

    [GeneratedRegex(@"^\| `(?<type>[A-Za-z]+)` \| `(?<stream>[^`]+)` \| (?<members>.+) \|$", RegexOptions.Multiline)]
    private static partial Regex Row();
}
