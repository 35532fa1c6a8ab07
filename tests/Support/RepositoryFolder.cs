namespace Ledger.Tests.Support;

/// <summary>The repository's root folder, found from the test's output folder: for committed files tests compare against.</summary>
public static class RepositoryFolder
{
    public static string Root
    {
        get
        {
            var folder = new DirectoryInfo(AppContext.BaseDirectory);
            while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Ledger.sln")))
            {
                folder = folder.Parent;
            }
            return folder?.FullName ?? throw new InvalidOperationException("Ledger.sln not found above the test folder");
        }
    }
}
