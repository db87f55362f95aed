import Coordination

/// The Xiamen network as BRIEF.md describes it, written once: ``template`` is the topology file
/// `Deploy/xiamen-topology.yaml` (`aeohub topology template` writes it; a test keeps the two equal), and
/// ``units`` are read from it. Names that are not public or not confirmed are marked as placeholders.
public enum XiamenNetwork {
    public static let coordinator = "commerce-bureau"
    public static let fuzhou = "fuzhou-customs"

    /// The network's units, as the template lists them.
    public static let units: [Coordination.Unit] = {
        do {
            return try TopologyFile.units(yaml: template, file: "XiamenNetwork.template")
        } catch {
            // The template is part of the program; XiamenNetworkTests reads it on every run.
            fatalError("the built-in Xiamen topology does not read: \(error)")
        }
    }()

    /// The topology file for Xiamen, with placeholders for every key (Deploy/provision.sh fills them in).
    public static let template = #"""
        # AEO Hub topology for Xiamen. Run Deploy/provision.sh to generate every key and fill in the
        # public keys marked <...>. Unit names marked "placeholder" are not public; confirm them locally.
        # A unit's measures are those whose 责任单位 line names it; it records incentives under those only.
        hub:
          bind: tcp://0.0.0.0:5570
          endpoint: tcp://aeohub.xm.example:5570          # placeholder: the hub's address as nodes see it
          public_key: "<hub public key>"
          secret_key_file: /etc/aeohub/keys/hub.secret
          log: /var/lib/aeohub/log.sqlite
          # or, instead of log: a store URL: sqlite:///var/lib/aeohub/log.sqlite, or PostgreSQL,
          # store: postgresql://aeohub@db1,db2/aeohub (the password from the file named by
          # AEOHUB_STORE_PASSWORD_FILE, or PGPASSWORD; never in this file)
          credit_window: 64
          # per node; 'off' for none
          rate_limit: {per_second: 500, burst: 2000, bytes_per_second: 1048576, byte_burst: 4194304}
        partner_area: "3500"                              # Fuzhou Customs' area: a site there makes an audit joint
        home_area: "3700"                                 # Xiamen Customs' area: audit sites lie in it or partner_area
        request_service_days: 20                          # an open enterprise request older than this is overdue
        confirmation_working_days: 5                      # a credit change's confirmations are due within these

        units:
          - id: commerce-bureau
            role: coordinator
            name: "Municipal Commerce Bureau 市商务局"
            measures: [1, 2, 3, 5, 8, 9, 10, 11, 12, 13, 18, 19, 20]
            public_key: "<commerce-bureau public key>"
          - id: xm-dongdu
            role: customs
            name: "Dongdu Customs 东渡海关"
            measures: [1, 2, 3, 4, 6, 8, 11, 15, 16, 17, 18, 19, 20, 21]
            public_key: "<xm-dongdu public key>"
          - id: xm-haicang
            role: customs
            name: "Haicang Customs 海沧海关"
            measures: [1, 2, 3, 4, 6, 8, 11, 15, 16, 17, 18, 19, 20, 21]
            public_key: "<xm-haicang public key>"
          - id: xm-airport
            role: customs
            name: "Xiamen Airport Customs 机场海关"
            measures: [1, 2, 3, 4, 6, 8, 11, 15, 16, 17, 18, 19, 20, 21]
            public_key: "<xm-airport public key>"
          - id: xm-cruise
            role: customs
            name: "Cruise Port Customs 邮轮港海关 (placeholder name)"
            measures: [1, 2, 3, 4, 6, 8, 11, 15, 16, 17, 18, 19, 20, 21]
            public_key: "<xm-cruise public key>"
          - id: xm-zhangzhou
            role: customs
            name: "Zhangzhou Customs 漳州海关"
            measures: [1, 2, 3, 4, 6, 8, 11, 15, 16, 17, 18, 19, 20, 21]
            public_key: "<xm-zhangzhou public key>"
          - id: fuzhou-customs
            role: partner
            name: "Fuzhou Customs 福州海关"
            public_key: "<fuzhou-customs public key>"
          - id: siming
            role: district
            name: "Siming District 思明区"
            measures: [3, 4, 5, 17, 18]
            area: "350203"
            customs: xm-dongdu                             # placeholder mapping: confirm with Xiamen Customs
            public_key: "<siming public key>"
          - id: haicang
            role: district
            name: "Haicang District 海沧区"
            measures: [3, 4, 5, 17, 18]
            area: "350205"
            customs: xm-haicang
            public_key: "<haicang public key>"
          - id: huli
            role: district
            name: "Huli District 湖里区"
            measures: [3, 4, 5, 17, 18]
            area: "350206"
            customs: xm-dongdu
            public_key: "<huli public key>"
          - id: jimei
            role: district
            name: "Jimei District 集美区"
            measures: [3, 4, 5, 17, 18]
            area: "350211"
            customs: xm-haicang                            # placeholder mapping
            public_key: "<jimei public key>"
          - id: tongan
            role: district
            name: "Tong'an District 同安区"
            measures: [3, 4, 5, 17, 18]
            area: "350212"
            customs: xm-airport                            # placeholder mapping
            public_key: "<tongan public key>"
          - id: xiangan
            role: district
            name: "Xiang'an District 翔安区"
            measures: [3, 4, 5, 17, 18]
            area: "350213"
            customs: xm-airport                            # placeholder mapping
            public_key: "<xiangan public key>"
          - id: torch
            role: zone
            name: "Torch High-tech Zone Committee 火炬管委会"
            measures: [3, 4, 17]
            area: torch
            customs: xm-dongdu                             # placeholder mapping
            public_key: "<torch public key>"
          - id: ftz
            role: zone
            name: "Free Trade Zone Committee 自贸委"
            measures: [3, 4, 5, 16, 17, 19]
            area: ftz
            customs: xm-haicang                            # placeholder mapping
            public_key: "<ftz public key>"

          # The departments that grant incentives and recommend enterprises (measures 1-3, 5, 7-17, 19, 20).
          - id: miit-bureau
            role: department
            name: "Municipal Bureau of Industry and Information Technology 市工信局"
            measures: [1, 2, 3]
            public_key: "<miit-bureau public key>"
          - id: finance-bureau
            role: department
            name: "Municipal Finance Bureau 市财政局"
            measures: [5]
            public_key: "<finance-bureau public key>"
          - id: ccpit-xiamen
            role: department
            name: "CCPIT Xiamen 市贸促会"
            measures: [8]
            public_key: "<ccpit-xiamen public key>"
          - id: market-regulation
            role: department
            name: "Municipal Market Regulation Bureau 市市场监管局"
            measures: [8, 9, 10]
            public_key: "<market-regulation public key>"
          - id: tax-bureau
            role: department
            name: "Xiamen Taxation Bureau 国家税务总局厦门市税务局"
            measures: [9, 14]
            public_key: "<tax-bureau public key>"
          - id: sinosure-xiamen
            role: department
            name: "Sinosure Xiamen Branch 中国信保厦门分公司"
            measures: [12, 13]
            public_key: "<sinosure-xiamen public key>"
          - id: nfra-xiamen
            role: department
            name: "NFRA Xiamen Office 国家金融监督管理总局厦门监管局"
            measures: [13]
            public_key: "<nfra-xiamen public key>"
          - id: pbc-xiamen
            role: department
            name: "People's Bank of China Xiamen Branch 中国人民银行厦门市分行"
            measures: [13]
            public_key: "<pbc-xiamen public key>"
          - id: finance-office
            role: department
            name: "Municipal Party Committee Financial Office 市委金融办"
            measures: [13, 20]
            public_key: "<finance-office public key>"
          - id: port-authority
            role: department
            name: "Xiamen Port Authority 厦门港口局"
            measures: [13, 15, 16]
            public_key: "<port-authority public key>"
          - id: xiamen-msa
            role: department
            name: "Xiamen Maritime Safety Administration 厦门海事局"
            measures: [15, 16]
            public_key: "<xiamen-msa public key>"
          - id: border-inspection
            role: department
            name: "Xiamen Border Inspection General Station 厦门出入境边防检查总站"
            measures: [15]
            public_key: "<border-inspection public key>"
          - id: port-group
            role: department
            name: "Xiamen Port Holding Group 厦门港务控股集团"
            measures: [15]
            public_key: "<port-group public key>"
          - id: port-office
            role: department
            name: "Municipal Port Office 市口岸办"
            measures: [16]
            public_key: "<port-office public key>"
          - id: data-bureau
            role: department
            name: "Municipal Data Administration 市数据管理局"
            measures: [9]
            public_key: "<data-bureau public key>"
          - id: development-reform
            role: department
            name: "Municipal Development and Reform Commission 市发改委"
            measures: [9, 20]
            public_key: "<development-reform public key>"
          - id: hr-social-security
            role: department
            name: "Municipal Human Resources and Social Security Bureau 市人社局"
            measures: [7, 9]
            public_key: "<hr-social-security public key>"
          - id: public-security
            role: department
            name: "Municipal Public Security Bureau 市公安局"
            measures: [7]
            public_key: "<public-security public key>"
          - id: e-port
            role: department
            name: "Xiamen e-Port 厦门电子口岸"
            measures: [19]
            public_key: "<e-port public key>"
          # Industry associations collect enterprises' certification intentions (measure 18).
          - id: trade-association
            role: association
            name: "Xiamen Import and Export Chamber of Commerce 厦门市进出口商会 (placeholder)"
            public_key: "<trade-association public key>"

        # Overrides of the default authorisation table (Protocols/SPEC.md 6.2); omit a type to keep its default.
        authorisation:
          review_due: [customs]
        """#
}
