using System.CommandLine;
using System.CommandLine.Help;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Ledger.Canonical;
using Ledger.Checkpoints;
using Ledger.Client;
using Ledger.Rules.Registry;
using Ledger.Signing;

// The registrar's command line (README "Production start"): the root key is made and kept on the
// registrar's machine; the server is given only its fingerprint. Exit codes: 0 done, 1 refused
// or failed (the message says why), 2 usage.

var keyOption = new Option<string>("--key") { Description = "The registrar's root key file (docs/FORMAT.md §11.1).", HelpName = "FILE", Required = true };
var idOption = new Option<string>("--id") { Description = "The registrar's person id, e.g. registrar.", HelpName = "ID", Required = true };
var nameOption = new Option<string>("--name") { Description = "The registrar's display name, e.g. 街道管理员.", HelpName = "NAME", Required = true };
var serverOption = new Option<string>("--server") { Description = "The ledger server's address, e.g. http://127.0.0.1:5099.", HelpName = "URL", Required = true };
var verifierKeyOption = new Option<string>("--verifier-key")
{
    Description = "The log key to name (C2SP vkey text, docs/FORMAT.md §10.3), as the server that holds it serves it at /v1/log/vkey.",
    HelpName = "VKEY",
    Required = true,
};

var init = new Command("init", "Make the root key in a new file readable by its owner only, and print its fingerprint for the server's Registry:RootFingerprint.")
{
    keyOption, idOption, nameOption,
};
init.SetAction(parse => Init(parse.GetValue(keyOption)!, parse.GetValue(idOption)!, parse.GetValue(nameOption)!));

var open = new Command("open", "Open the server's registry with the root key and name the server's log key (printed first, to compare).")
{
    keyOption, serverOption,
};
open.SetAction((parse, cancellationToken) => OpenAsync(parse.GetValue(keyOption)!, parse.GetValue(serverOption)!, cancellationToken));

var nameLogKey = new Command("name-log-key", "Name another log key: checkpoints from this entry on must be signed by it (a rotation).")
{
    keyOption, serverOption, verifierKeyOption,
};
nameLogKey.SetAction((parse, cancellationToken) =>
    NameLogKeyAsync(parse.GetValue(keyOption)!, parse.GetValue(serverOption)!, parse.GetValue(verifierKeyOption)!, cancellationToken));

var root = new RootCommand("The registrar's tool: makes the registry's root key on this machine and signs the registry's opening and log keys with it.")
{
    init, open, nameLogKey,
};

var parsed = root.Parse(args);
if (parsed.Action is not HelpAction && (parsed.Errors.Count > 0 || parsed.UnmatchedTokens.Count > 0))
{
    Console.Error.WriteLine($"registrar: {(parsed.Errors.Count > 0 ? parsed.Errors[0].Message : $"unexpected argument {parsed.UnmatchedTokens[0]}")} (--help shows the usage)");
    return 2;
}
return await parsed.InvokeAsync();

static int Init(string keyFile, string registrarId, string displayName)
{
    var seed = RandomNumberGenerator.GetBytes(Ed25519.SeedSizeBytes);
    try
    {
        var bytes = KeyFile.Encode(registrarId, seed);
        // CreateNew: an existing key is never overwritten; owner-only from the moment it exists.
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using (var stream = new FileStream(keyFile, options))
        {
            stream.Write(bytes);
        }
        CryptographicOperations.ZeroMemory(bytes);
    }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
    {
        return Fail(e is IOException && File.Exists(keyFile)
            ? $"{keyFile} already exists: init never overwrites a key"
            : $"{keyFile} could not be written: {e.Message}");
    }
    finally
    {
        CryptographicOperations.ZeroMemory(seed);
    }
    var key = PersonKey.Load(keyFile);
    // The display name is the registry's to check; it is kept beside the key for `open`.
    File.WriteAllText(keyFile + ".name", displayName);
    Console.WriteLine($"Root key written to {keyFile} (readable by you only; keep it off the server).");
    Console.WriteLine($"Root fingerprint: {key.KeyId}");
    Console.WriteLine($"Give the server's operator: --Registry:RootFingerprint={key.KeyId}");
    return 0;
}

static async Task<int> OpenAsync(string keyFile, string server, CancellationToken cancellationToken)
{
    if (Load(keyFile) is not { } key)
    {
        return 1;
    }
    using var http = Http(server);
    if (http is null)
    {
        return Fail($"--server takes an http:// or https:// address, not {server}");
    }
    var client = new LedgerClient(http, TimeProvider.System);
    string vkey;
    try
    {
        vkey = (await http.GetStringAsync("/v1/log/vkey", cancellationToken)).Trim();
    }
    catch (HttpRequestException e)
    {
        return Fail($"the server's log key could not be read from {server}/v1/log/vkey: {e.Message}");
    }
    Console.WriteLine($"The server's log key: {vkey}");
    Console.WriteLine("Compare it with the one the server's operator reads in the server's start log before you trust this ledger.");
    var displayName = File.Exists(keyFile + ".name") ? File.ReadAllText(keyFile + ".name") : key.PersonId;
    var opened = await SendAsync(client, key, RegistryCommandTypes.OpenRegistry, new JsonObject
    {
        ["displayName"] = displayName,
        ["publicKey"] = Hex.Encode(key.Key.PublicKey.Bytes),
        ["registrarId"] = key.PersonId,
    }, cancellationToken);
    if (opened != 0)
    {
        return opened;
    }
    Console.WriteLine($"The registry is open under root key {key.KeyId}.");
    return await NameAsync(client, key, vkey, cancellationToken);
}

static async Task<int> NameLogKeyAsync(string keyFile, string server, string vkey, CancellationToken cancellationToken)
{
    if (!NoteVerifierKey.Parse(vkey).IsValid)
    {
        return Fail($"--verifier-key is not a log verifier key <origin>+<8 hex key ID>+<base64> (docs/FORMAT.md §10.3): {vkey}");
    }
    if (Load(keyFile) is not { } key)
    {
        return 1;
    }
    using var http = Http(server);
    return http is null
        ? Fail($"--server takes an http:// or https:// address, not {server}")
        : await NameAsync(new LedgerClient(http, TimeProvider.System), key, vkey, cancellationToken);
}

static async Task<int> NameAsync(LedgerClient client, PersonKey key, string vkey, CancellationToken cancellationToken)
{
    var named = await SendAsync(client, key, RegistryCommandTypes.NameLogKey, new JsonObject { ["verifierKey"] = vkey }, cancellationToken);
    if (named == 0)
    {
        Console.WriteLine($"The log key is {vkey}: checkpoints from here on are signed by it.");
    }
    return named;
}

static async Task<int> SendAsync(LedgerClient client, PersonKey key, string type, JsonObject body, CancellationToken cancellationToken)
{
    try
    {
        var response = await client.SendAsync(key, type, body, cancellationToken: cancellationToken);
        return response.IsSuccess ? 0 : Fail($"{type} was refused: {response.Code}: {Detail(response)}");
    }
    catch (HttpRequestException e)
    {
        return Fail($"{type} could not be sent: {e.Message}");
    }
}

static string Detail(LedgerResponse response) =>
    response.Body.ValueKind == System.Text.Json.JsonValueKind.Object && response.Body.TryGetProperty("detail", out var detail) ? detail.GetString() ?? "" : response.Status.ToString();

static PersonKey? Load(string keyFile)
{
    try
    {
        return PersonKey.Load(keyFile);
    }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or System.Text.Json.JsonException)
    {
        Fail($"{keyFile} is not a readable key file: {e.Message}");
        return null;
    }
}

static HttpClient? Http(string server) =>
    Uri.TryCreate(server, UriKind.Absolute, out var address) && address.Scheme is "http" or "https"
        ? new HttpClient { BaseAddress = address }
        : null;

static int Fail(string message)
{
    Console.Error.WriteLine($"registrar: {message}");
    return 1;
}
