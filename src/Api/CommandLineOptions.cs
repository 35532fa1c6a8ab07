namespace Ledger.Api;

/// <summary>
/// The data folder and the database, read from the command line and the environment the way
/// Program.cs reads them for the server: <c>--data DIR</c> (default ./data) and
/// <c>ConnectionStrings__Ledger</c>. Shared by the export and demo commands.
/// </summary>
public static class CommandLineOptions
{
    public static ServerOptions Read(string[] args, string urls)
    {
        var configuration = new ConfigurationBuilder().AddCommandLine(args).AddEnvironmentVariables().Build();
        return new ServerOptions(
            Path.GetFullPath(configuration["data"] ?? "data"),
            configuration.GetConnectionString("Ledger"),
            urls);
    }
}
