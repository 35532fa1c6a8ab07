using System.Reflection;
using System.Text.RegularExpressions;

namespace Ledger.Tests.Architecture;

/// <summary>
/// DESIGN.md "The shape": dependencies point one way. src/Ledger is a pure core (STYLE.md 1)
/// with no project reference and one package, NSec for Ed25519 (DESIGN.md 9), referencing
/// nothing else but the .NET base library; the verifier references the core and nothing of
/// the server.
/// </summary>
public sealed class DependencyDirectionTests
{
    [Fact]
    public void TheCoreProjectReferencesNSecAndNothingElse()
    {
        var project = File.ReadAllText(Path.Combine(RepositoryRoot(), "src", "Ledger", "Ledger.csproj"));

        var references = Regex.Matches(project, "(PackageReference|ProjectReference) Include=\"([^\"]+)\"").Select(m => m.Groups[2].Value);

        Assert.Equal(["NSec.Cryptography"], references);
        Assert.DoesNotContain("ProjectReference", project);
    }

    [Fact]
    public void TheCoreAssemblyReferencesOnlyTheBaseLibraryAndNSec()
    {
        var core = typeof(Invariant).Assembly;

        var foreign = core.GetReferencedAssemblies()
            .Select(a => a.Name!)
            .Where(name => !name.StartsWith("System", StringComparison.Ordinal) && name is not ("netstandard" or "mscorlib" or "NSec.Cryptography"))
            .ToList();

        Assert.Empty(foreign);
    }

    // The verifier and the witness are run by people who do not trust the server: neither may lean on its code.
    [Theory]
    [InlineData("Verifier")]
    [InlineData("Witness")]
    public void TheVerifierAndTheWitnessNameOnlyTheCoreAsAProject(string name)
    {
        var project = File.ReadAllText(Path.Combine(RepositoryRoot(), "src", name, $"{name}.csproj"));

        var projectReferences = Regex.Matches(project, "ProjectReference Include=\"([^\"]+)\"").Select(m => m.Groups[1].Value);

        Assert.Equal(["../Ledger/Ledger.csproj"], projectReferences);
    }

    static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Ledger.sln")))
        {
            folder = folder.Parent;
        }
        return folder?.FullName ?? throw new InvalidOperationException("Ledger.sln not found above the test folder");
    }
}
