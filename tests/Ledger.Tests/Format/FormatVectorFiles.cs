using System.Text.Json.Nodes;

namespace Ledger.Tests.Format;

/// <summary>The project's own format vectors, tests/vectors/*.json, copied beside the tests.</summary>
internal static class FormatVectorFiles
{
    internal static JsonNode Load(string name) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "vectors", name)))
        ?? throw new InvalidDataException($"{name} is empty");

    internal static TheoryData<string> Names(string file, string array)
    {
        var names = new TheoryData<string>();
        foreach (var item in Load(file)[array]!.AsArray())
        {
            names.Add(item!["name"]!.GetValue<string>());
        }
        return names;
    }

    internal static JsonNode Case(string file, string array, string name) =>
        Load(file)[array]!.AsArray().Single(item => item!["name"]!.GetValue<string>() == name)!;
}
