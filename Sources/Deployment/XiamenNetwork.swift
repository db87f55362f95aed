import Coordination

/// The Xiamen network as BRIEF.md describes it, the same units as `Deploy/xiamen-topology.yaml`.
/// Names that are not public or not confirmed are marked as placeholders.
public enum XiamenNetwork {
    public static let coordinator = "commerce-bureau"
    public static let fuzhou = "fuzhou-customs"

    public static let units: [Coordination.Unit] = [
        .init(id: "commerce-bureau", role: .coordinator, name: "Municipal Commerce Bureau 市商务局"),
        .init(id: "xm-dongdu", role: .customs, name: "Dongdu Customs 东渡海关"),
        .init(id: "xm-haicang", role: .customs, name: "Haicang Customs 海沧海关"),
        .init(id: "xm-airport", role: .customs, name: "Xiamen Airport Customs 机场海关"),
        .init(id: "xm-cruise", role: .customs, name: "Cruise Port Customs 邮轮港海关 (placeholder name)"),
        .init(id: "xm-zhangzhou", role: .customs, name: "Zhangzhou Customs 漳州海关"),
        .init(id: "fuzhou-customs", role: .partner, name: "Fuzhou Customs 福州海关"),
        .init(id: "siming", role: .district, name: "Siming District 思明区", area: "350203", customsOffice: "xm-dongdu"),
        .init(
            id: "haicang", role: .district, name: "Haicang District 海沧区", area: "350205", customsOffice: "xm-haicang"),
        .init(id: "huli", role: .district, name: "Huli District 湖里区", area: "350206", customsOffice: "xm-dongdu"),
        .init(id: "jimei", role: .district, name: "Jimei District 集美区", area: "350211", customsOffice: "xm-haicang"),
        .init(id: "tongan", role: .district, name: "Tong'an District 同安区", area: "350212", customsOffice: "xm-airport"),
        .init(
            id: "xiangan", role: .district, name: "Xiang'an District 翔安区", area: "350213", customsOffice: "xm-airport"),
        .init(
            id: "torch", role: .zone, name: "Torch High-tech Zone Committee 火炬管委会", area: "torch",
            customsOffice: "xm-dongdu"),
        .init(id: "ftz", role: .zone, name: "Free Trade Zone Committee 自贸委", area: "ftz", customsOffice: "xm-haicang"),
        // The departments that grant incentives and recommend enterprises (BRIEF.md; each measure's 责任单位).
        .init(
            id: "miit-bureau", role: .department, name: "Municipal Bureau of Industry and Information Technology 市工信局"),
        .init(id: "finance-bureau", role: .department, name: "Municipal Finance Bureau 市财政局"),
        .init(id: "ccpit-xiamen", role: .department, name: "CCPIT Xiamen 市贸促会"),
        .init(id: "market-regulation", role: .department, name: "Municipal Market Regulation Bureau 市市场监管局"),
        .init(id: "tax-bureau", role: .department, name: "Xiamen Taxation Bureau 国家税务总局厦门市税务局"),
        .init(id: "sinosure-xiamen", role: .department, name: "Sinosure Xiamen Branch 中国信保厦门分公司"),
        .init(id: "nfra-xiamen", role: .department, name: "NFRA Xiamen Office 国家金融监督管理总局厦门监管局"),
        .init(id: "pbc-xiamen", role: .department, name: "People's Bank of China Xiamen Branch 中国人民银行厦门市分行"),
        .init(id: "finance-office", role: .department, name: "Municipal Party Committee Financial Office 市委金融办"),
        .init(id: "port-authority", role: .department, name: "Xiamen Port Authority 厦门港口局"),
        .init(id: "xiamen-msa", role: .department, name: "Xiamen Maritime Safety Administration 厦门海事局"),
        .init(id: "border-inspection", role: .department, name: "Xiamen Border Inspection General Station 厦门出入境边防检查总站"),
        .init(id: "port-group", role: .department, name: "Xiamen Port Holding Group 厦门港务控股集团"),
        .init(id: "port-office", role: .department, name: "Municipal Port Office 市口岸办"),
        .init(id: "data-bureau", role: .department, name: "Municipal Data Administration 市数据管理局"),
        .init(id: "development-reform", role: .department, name: "Municipal Development and Reform Commission 市发改委"),
        .init(
            id: "hr-social-security", role: .department,
            name: "Municipal Human Resources and Social Security Bureau 市人社局"),
        .init(id: "public-security", role: .department, name: "Municipal Public Security Bureau 市公安局"),
        .init(id: "e-port", role: .department, name: "Xiamen e-Port 厦门电子口岸"),
        .init(
            id: "trade-association", role: .association,
            name: "Xiamen Import and Export Chamber of Commerce 厦门市进出口商会 (placeholder)"),
    ]
}
