import Coordination

/// The Xiamen network as BRIEF.md describes it. Customs offices whose names are not public are
/// marked as placeholders.
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
        .init(id: "haicang", role: .district, name: "Haicang District 海沧区", area: "350205", customsOffice: "xm-haicang"),
        .init(id: "huli", role: .district, name: "Huli District 湖里区", area: "350206", customsOffice: "xm-dongdu"),
        .init(id: "jimei", role: .district, name: "Jimei District 集美区", area: "350211", customsOffice: "xm-haicang"),
        .init(id: "tongan", role: .district, name: "Tong'an District 同安区", area: "350212", customsOffice: "xm-airport"),
        .init(id: "xiangan", role: .district, name: "Xiang'an District 翔安区", area: "350213", customsOffice: "xm-airport"),
        .init(id: "torch", role: .zone, name: "Torch High-tech Zone Committee 火炬管委会", area: "torch", customsOffice: "xm-dongdu"),
        .init(id: "ftz", role: .zone, name: "Free Trade Zone Committee 自贸委", area: "ftz", customsOffice: "xm-haicang"),
    ]
}
