namespace Ledger.Rules;

/// <summary>The roles of docs/DOMAIN.md "Who uses the ledger". Stored by name, never by number.</summary>
public enum Role
{
    /// <summary>街道/社区财务人员: opens projects, records receipts, requests and pays disbursements.</summary>
    FinanceOfficer,

    /// <summary>项目经理: attests milestones, signs disbursements.</summary>
    ProjectManager,

    /// <summary>监理: attests milestones, signs disbursements.</summary>
    ConstructionSupervisor,

    /// <summary>业主代表: signs disbursements on behalf of the residents.</summary>
    OwnerRepresentative,

    /// <summary>居民监督员: reads everything public, approves reversals, runs the verifier.</summary>
    ResidentSupervisor,

    /// <summary>志愿服务组织者: awards points, keeps the reward catalog.</summary>
    VolunteerCoordinator,

    /// <summary>居民/住户: a resident of one household; pays shares, redeems points.</summary>
    Resident,

    /// <summary>街道管理员: registers people, roles and keys.</summary>
    Registrar,

    /// <summary>第三方审计: reads everything, writes nothing.</summary>
    Auditor,
}

public static class Roles
{
    public static bool TryParse(string? name, out Role role)
    {
        role = default;
        return name is not null && Enum.TryParse(name, ignoreCase: false, out role) && Enum.IsDefined(role)
            && name == role.ToString();
    }
}
