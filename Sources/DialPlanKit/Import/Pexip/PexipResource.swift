import Foundation

/// The Management API resources an import reads, and every field the API gives each, so that a field the API does
/// not have (a typo in a hand-made export, an export of something else) is reported rather than silently dropped.
///
/// Field lists: the read models of Pexip's Go SDK, github.com/pexip/go-infinity-sdk @67af711d (2026-08-22),
/// `config/<resource>_model.go` (the json tags); see ../shared/EXPORTS.md §1.3. [P1]
enum PexipResource: String, CaseIterable, Sendable {
    case systemLocation = "system_location"
    case workerVM = "worker_vm"
    case managementVM = "management_vm"
    case conference
    case conferenceAlias = "conference_alias"
    case gatewayRoutingRule = "gateway_routing_rule"
    case sipProxy = "sip_proxy"
    case mssipProxy = "mssip_proxy"
    case teamsProxy = "teams_proxy"

    /// Where every resource lives. [P5] [P6]
    static let apiPath = "/api/admin/configuration/v1/"

    /// The resource and id a resource URI names (`/api/admin/configuration/v1/system_location/3/`, also as a full
    /// URL), or nil when `uri` is none. `resource` is the URI's own resource name, known to us or not.
    static func parse(uri: String) -> (resource: String, id: Int)? {
        guard let range = uri.range(of: apiPath) else { return nil }
        let parts = uri[range.upperBound...].split(separator: "?", maxSplits: 1).first?.split(separator: "/") ?? []
        guard parts.count == 2, let id = Int(parts[1]) else { return nil }
        return (String(parts[0]), id)
    }

    /// The API's fields of an object of this resource.
    var fields: Set<String> {
        switch self {
        case .systemLocation:
            return [
                "id", "name", "description", "mtu", "media_qos", "signalling_qos", "local_mssip_domain", "dns_servers",
                "ntp_servers", "syslog_servers", "h323_gatekeeper", "sip_proxy", "mssip_proxy", "teams_proxy",
                "overflow_location1", "overflow_location2", "transcoding_location", "bdpm_pin_checks_enabled",
                "bdpm_scan_quarantine_enabled", "use_relay_candidates_only", "resource_uri",
                "snmp_network_management_system", "http_proxy", "turn_server", "stun_server", "client_turn_servers",
                "client_stun_servers", "event_sinks", "policy_server", "live_captions_dial_out_1",
                "live_captions_dial_out_2", "live_captions_dial_out_3",
            ]
        case .workerVM:
            return [
                "id", "name", "description", "hostname", "domain", "address", "netmask", "gateway", "vm_cpu_count",
                "vm_system_memory", "deployment_type", "node_type", "transcoding", "cloud_bursting", "password",
                "maintenance_mode", "maintenance_mode_reason", "system_location", "alternative_fqdn",
                "enable_distributed_database", "enable_ssh", "ipv6_address", "ipv6_gateway", "tls_certificate",
                "tls_client_certificate", "secondary_address", "secondary_netmask", "media_priority_weight",
                "ssh_authorized_keys", "ssh_authorized_keys_use_cloud", "static_nat_address", "static_routes",
                "snmp_authentication_password", "snmp_community", "snmp_mode", "snmp_privacy_password",
                "snmp_system_contact", "snmp_system_location", "snmp_username", "service_manager", "service_policy",
                "signalling", "managed", "resource_uri",
            ]
        case .managementVM:
            return [
                "id", "name", "description", "address", "netmask", "gateway", "hostname", "domain", "alternative_fqdn",
                "ipv6_address", "ipv6_gateway", "mtu", "static_nat_address", "dns_servers", "ntp_servers",
                "syslog_servers", "static_routes", "event_sinks", "http_proxy", "tls_certificate",
                "tls_client_certificate", "enable_ssh", "ssh_authorized_keys", "ssh_authorized_keys_use_cloud",
                "secondary_config_passphrase", "snmp_mode", "snmp_community", "snmp_username",
                "snmp_authentication_password", "snmp_privacy_password", "snmp_system_contact",
                "snmp_system_location", "snmp_network_management_system", "initializing", "primary", "resource_uri",
            ]
        case .conference:
            return [
                "id", "resource_uri", "name", "aliases", "allow_guests", "automatic_participants", "breakout_rooms",
                "call_type", "creation_time", "crypto_mode", "denoise_enabled", "description", "direct_media",
                "direct_media_notification_duration", "enable_active_speaker_indication", "enable_chat",
                "enable_overlay_text", "force_presenter_into_main", "gms_access_token", "guest_identity_provider_group",
                "guest_pin", "guest_view", "guests_can_present", "guests_can_see_guests", "host_identity_provider_group",
                "host_view", "ivr_theme", "live_captions_enabled", "match_string", "max_callrate_in",
                "max_callrate_out", "max_pixels_per_second", "media_playlist", "mssip_proxy", "mute_all_guests",
                "non_idp_participants", "on_completion", "participant_limit", "pin", "pinning_config",
                "post_match_string", "post_replace_string", "primary_owner_email_address", "replace_string",
                "scheduled_conferences", "scheduled_conferences_count", "service_type", "softmute_enabled", "sync_tag",
                "system_location", "tag", "teams_proxy", "two_stage_dial_type",
            ]
        case .conferenceAlias:
            return ["id", "alias", "conference", "description", "creation_time", "resource_uri"]
        case .gatewayRoutingRule:
            return [
                "id", "name", "description", "priority", "enable", "match_string", "match_string_full",
                "replace_string", "called_device_type", "outgoing_protocol", "call_type", "match_incoming_calls",
                "match_outgoing_calls", "match_incoming_sip", "match_incoming_h323", "match_incoming_mssip",
                "match_incoming_webrtc", "match_incoming_teams", "match_incoming_only_if_registered",
                "match_source_location", "outgoing_location", "sip_proxy", "h323_gatekeeper", "mssip_proxy",
                "teams_proxy", "stun_server", "turn_server", "gms_access_token", "telehealth_profile", "ivr_theme",
                "max_pixels_per_second", "max_callrate_in", "max_callrate_out", "crypto_mode", "denoise_audio",
                "live_captions_enabled", "external_participant_avatar_lookup", "treat_as_trusted", "tag",
                "disabled_codecs", "creation_time", "resource_uri",
            ]
        case .sipProxy, .mssipProxy:
            return ["id", "name", "description", "address", "port", "transport", "resource_uri"]
        case .teamsProxy:
            return [
                "id", "name", "description", "address", "port", "azure_tenant", "eventhub_id", "min_number_of_instances",
                "notifications_enabled", "notifications_queue", "updated", "resource_uri",
            ]
        }
    }

    /// The resource a file holds, from its name alone (`worker_vm.json`, `worker_vm-2.json`,
    /// `pexip-conference_alias.json`): the longest resource name the base name is, starts with, or ends with.
    static func named(byFile path: String) -> PexipResource? {
        var name = (path as NSString).lastPathComponent.lowercased()
        if let dot = name.firstIndex(of: ".") { name = String(name[..<dot]) }
        let separators: Set<Character> = ["-", ".", "_", " "]
        let candidates = allCases.filter { resource in
            let raw = resource.rawValue
            if name == raw { return true }
            if name.hasPrefix(raw), let next = name.dropFirst(raw.count).first, separators.contains(next) || next.isNumber {
                // `conference_alias` starts with `conference`: only the longer name may claim it.
                return !(raw == "conference" && name.hasPrefix("conference_alias"))
            }
            if name.hasSuffix(raw), let before = name.dropLast(raw.count).last, separators.contains(before) { return true }
            return false
        }
        return candidates.max { $0.rawValue.count < $1.rawValue.count }
    }
}
