using Ledger.Api.Hosting;

namespace Ledger.Api;

/// <summary>What Program.cs reads for the export and demo commands beside their own arguments.</summary>
public static class CommandLineOptions
{
    /// <summary>
    /// The data folder as a full path, and the database the environment names
    /// (<c>ConnectionStrings__Ledger</c>), as the server reads them.
    /// </summary>
    public static (string DataFolder, string? ConnectionString) Read(string data)
    {
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        return (Path.GetFullPath(data), configuration.GetConnectionString("Ledger"));
    }

    /// <summary>The witnesses the environment names (<c>Witness__Witnesses__0__VerifierKey</c> …), as the server reads them.</summary>
    public static WitnessSettings Witnesses()
    {
        var settings = new WitnessSettings();
        new ConfigurationBuilder().AddEnvironmentVariables().Build().GetSection("Witness").Bind(settings);
        return settings;
    }

    /// <summary>
    /// Why the server's arguments beyond --data and --urls are not settings
    /// (<c>--Section:Key VALUE</c> or <c>--Section:Key=VALUE</c>), or null when they are.
    /// </summary>
    public static string? UnexpectedSetting(IReadOnlyList<string> tokens)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (!token.StartsWith("--", StringComparison.Ordinal) || token.Length == 2)
            {
                return $"unexpected argument '{token}'";
            }
            if (!token.Contains('=', StringComparison.Ordinal))
            {
                if (i + 1 == tokens.Count || tokens[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    return $"the setting {token} needs a value";
                }
                i++;
            }
        }
        return null;
    }
}
