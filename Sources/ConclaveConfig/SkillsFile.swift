import ConclaveCore
import Yams

/// One parsed `Skills/*.yaml` file: a domain's skills (with aliases) and roles, with the positions of names
/// and references for cross-file checks.
struct SkillsFile {
    var skills: [(skill: Skill, node: Node)] = []
    var roles: [(role: Role, node: Node)] = []
    var roleSkillReferences: [(name: String, node: Node)] = []

    static func read(_ root: Node, reader: YAMLReader) -> SkillsFile {
        var file = SkillsFile()
        guard let fields = reader.fields(root, of: "skills file", allowed: ["domain", "skills", "roles"]),
            let domain = fields.string("domain")
        else { return file }
        for node in fields.list("skills") {
            guard let skill = reader.fields(node, of: "skill", allowed: ["name", "aliases"]),
                let name = skill.named("name")
            else { continue }
            file.skills.append((Skill(name: name.name, aliases: skill.strings("aliases").map(\.0), domain: domain), name.node))
        }
        for node in fields.list("roles", required: false) {
            guard let role = reader.fields(node, of: "role", allowed: ["name", "description", "instructions", "output_format", "skills"])
            else { continue }
            let name = role.named("name")
            let instructions = role.string("instructions")
            let references = role.strings("skills")
            file.roleSkillReferences += references
            if let name, let instructions {
                let parsed = Role(
                    name: name.name,
                    domain: domain,
                    description: role.string("description", required: false),
                    instructions: instructions,
                    outputFormat: role.string("output_format", required: false),
                    skills: references.map(\.0)
                )
                file.roles.append((parsed, name.node))
            }
        }
        return file
    }
}
