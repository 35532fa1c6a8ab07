using System.Reflection;

namespace Ledger.Tests.Architecture;

/// <summary>
/// DESIGN.md "The shape": the verifier trusts nothing but the core and the registrar's root
/// key, so it must never reference the server's code (Grains, Api) or its database driver
/// for anything but reading.
/// </summary>
public sealed class VerifierDependencyTests
{
    [Fact]
    public void TheVerifierAssemblyNeverReferencesTheServer()
    {
        var verifier = Assembly.Load("Verifier");

        var references = verifier.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.DoesNotContain("Grains", references);
        Assert.DoesNotContain("Api", references);
    }
}
