using Ledger.Rules;

namespace Ledger.Api.Demo;

/// <summary>A person of the demo community: an ASCII person id, a Chinese name, roles and, for a resident, the household.</summary>
public sealed record DemoPerson(string PersonId, string DisplayName, Role Role, string? HouseholdId = null);

/// <summary>One flat of the compound: building, floor and unit make its id, e.g. b3-0602 (building 3, floor 6, unit 2).</summary>
public sealed record DemoHousehold(int Building, int Floor, int Unit)
{
    public string Id => $"b{Building}-{Floor:00}{Unit:00}";

    /// <summary>How residents say it: 3号楼602室.</summary>
    public string Address => $"{Building}号楼{Floor}{Unit:00}室";

    public string ResidentId => "resident-" + Id;
}

/// <summary>
/// The people and flats of 幸福里社区, an old compound of five six-storey buildings without
/// lifts, two flats a floor: 60 households (seed 001 §2.2 describes such compounds). Every
/// role of docs/DOMAIN.md is held by someone; one resident supervisor per 50 households
/// (seed 001 §5.2) makes two. Fixed lists, so that every run of the demo asks for the same.
/// </summary>
public static class DemoPeople
{
    public const int Buildings = 5;
    public const int Floors = 6;
    public const int UnitsPerFloor = 2;

    // Declared before the lists built from them: static fields initialise in text order.
    const string Surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹";

    static readonly string[] GivenNames =
        ["秀英", "建国", "桂兰", "志明", "淑珍", "德华", "玉梅", "国强", "丽娟", "振华", "美玲", "海涛", "春燕", "文斌", "凤英", "永刚", "雪梅", "建军", "慧敏", "立新"];

    public static readonly DemoPerson Officer = new("officer-wang", "王丽萍（街道财务）", Role.FinanceOfficer);

    /// <summary>The second finance officer: pays what the first requested (the payer is never the requester).</summary>
    public static readonly DemoPerson Cashier = new("officer-li", "李国华（社区财务）", Role.FinanceOfficer);

    public static readonly DemoPerson Manager = new("manager-zhao", "赵建平（项目经理）", Role.ProjectManager);
    public static readonly DemoPerson Supervisor = new("supervisor-qian", "钱明远（监理）", Role.ConstructionSupervisor);
    public static readonly DemoPerson OwnerRepresentative = new("owner-rep-sun", "孙桂芝（业主代表）", Role.OwnerRepresentative);
    public static readonly DemoPerson ResidentSupervisor = new("resident-supervisor-zhou", "周淑英（居民监督员，1—3号楼）", Role.ResidentSupervisor);
    public static readonly DemoPerson SecondResidentSupervisor = new("resident-supervisor-feng", "冯志刚（居民监督员，4—5号楼）", Role.ResidentSupervisor);
    public static readonly DemoPerson Coordinator = new("coordinator-wu", "吴晓燕（志愿服务组织者）", Role.VolunteerCoordinator);
    public static readonly DemoPerson Auditor = new("auditor-zheng", "郑明（第三方审计）", Role.Auditor);

    public static IReadOnlyList<DemoPerson> Staff { get; } =
        [Officer, Cashier, Manager, Supervisor, OwnerRepresentative, ResidentSupervisor, SecondResidentSupervisor, Coordinator, Auditor];

    /// <summary>Building by building, floor by floor, unit by unit.</summary>
    public static IReadOnlyList<DemoHousehold> Households { get; } =
    [
        .. from building in Enumerable.Range(1, Buildings)
           from floor in Enumerable.Range(1, Floors)
           from unit in Enumerable.Range(1, UnitsPerFloor)
           select new DemoHousehold(building, floor, unit),
    ];

    /// <summary>One registered resident per household, named from common surnames and given names.</summary>
    public static IReadOnlyList<DemoPerson> Residents { get; } =
        [.. Households.Select((h, i) => new DemoPerson(h.ResidentId, $"{ResidentName(i)}（{h.Address}）", Role.Resident, h.Id))];

    public static IReadOnlyList<DemoPerson> Everyone { get; } = [.. Staff, .. Residents];

    public static DemoHousehold Household(string id) => Households.Single(h => h.Id == id);

    // Household i and i + 30 share a surname and differ in given name (7·30 + 1 ≡ 11 mod 20): 60 distinct names.
    static string ResidentName(int index) => $"{Surnames[index % Surnames.Length]}{GivenNames[(index * 7 + index / Surnames.Length) % GivenNames.Length]}";
}
