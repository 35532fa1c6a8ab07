using Ledger.Entries;
using Ledger.Rules.Registry;

namespace Ledger.Rules;

/// <summary>What a decision sees: the registry, the touched streams' states, the command, the time.</summary>
public sealed record DecisionContext(
    RegistryState Registry,
    IReadOnlyDictionary<string, StreamState> States,
    Command Command,
    DateTimeOffset Now)
{
    public TState State<TState>(string stream) where TState : StreamState => (TState)States[stream];
}

/// <summary>
/// One command type: who may give it (the role × command matrix), which streams it writes,
/// and the pure rule that decides it.
/// </summary>
public sealed record CommandRule(
    string Type,
    IReadOnlySet<Role> Roles,
    Func<Command, IReadOnlyList<string>> Streams,
    Func<DecisionContext, Decision> Decide);

/// <summary>
/// Every command the ledger takes, in one table: the single place where the role × command
/// matrix of docs/DOMAIN.md is written down and enforced.
/// </summary>
public static class Commands
{
    static readonly IReadOnlyList<string> RegistryStream = [RegistryRules.Stream];

    public static IReadOnlyList<CommandRule> All { get; } =
    [
        Registry(RegistryCommandTypes.OpenRegistry, RegistryRules.Open, Role.Registrar),
        Registry(RegistryCommandTypes.RegisterPerson, RegistryRules.Register, Role.Registrar),
        Registry(RegistryCommandTypes.AddKey, RegistryRules.AddKey, Role.Registrar),
        Registry(RegistryCommandTypes.RevokeKey, RegistryRules.RevokeKey, Role.Registrar),
        Registry(RegistryCommandTypes.GrantRole, RegistryRules.GrantRole, Role.Registrar),
        Registry(RegistryCommandTypes.RevokeRole, RegistryRules.RevokeRole, Role.Registrar),
    ];

    static readonly Dictionary<string, CommandRule> ByType = All.ToDictionary(r => r.Type);

    public static CommandRule? Find(string type) => ByType.GetValueOrDefault(type);

    /// <summary>
    /// Decides a command whose signature was already authenticated: authorization by the
    /// registry as it stands, then the command's own rule. The grains and the verifier's
    /// replay both decide through here.
    /// </summary>
    public static Decision Decide(CommandRule rule, DecisionContext context)
    {
        if (Authorization.Authorize(context.Registry, context.Command, rule.Roles, context.Now) is { } refusal)
        {
            return refusal;
        }
        try
        {
            return rule.Decide(context);
        }
        catch (FormatException e)
        {
            return Decision.Refusing(ResultCode.MalformedCommand, e.Message);
        }
    }

    /// <summary>The streams a command writes, in the fixed order in which their turns are taken.</summary>
    public static IReadOnlyList<string> StreamsOf(CommandRule rule, Command command) =>
        rule.Streams(command).Distinct().Order(StringComparer.Ordinal).ToList();

    static CommandRule Registry(string type, Func<RegistryState, Command, Decision> decide, params Role[] roles) =>
        new(type, roles.ToHashSet(), _ => RegistryStream, context => decide(context.State<RegistryState>(RegistryRules.Stream), context.Command));
}
