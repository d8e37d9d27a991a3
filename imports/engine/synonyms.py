"""Header synonyms of every canonical field, in English, German, French, Spanish, Italian, Dutch and
Portuguese, and the index the mapping engine looks them up in.

Phrases are written as people type them, separated by commas; the index reads them exactly as it reads headers
(headers.analyse), so units, accents, case and filler words never need spelling out twice:
"memory" also meets "Memory (GB)", "RAM.TotalSizeInMB" needs only "ram size".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from imports.engine.fields import FIELDS_BY_KIND, KINDS, Kind
from imports.engine.headers import analyse

ASSET_SYNONYMS: Final[dict[str, str]] = {
    "name": (
        "name, server name, servername, server, vm, vm name, virtual machine, virtual machine name, machine "
        "name, asset name, display name, ci name, device name, system name, machine, systemname, "
        "maschinenname, name des servers, nom, nom du serveur, nom serveur, nom de serveur, nom de la "
        "machine, nom machine, nom de la vm, nombre, nombre del servidor, nombre de servidor, nombre "
        "servidor, nombre de serveur, nombre de la maquina, nome, nome server, nome del server, nome "
        "macchina, naam, servernaam, machinenaam, nome do servidor, nome da maquina"
    ),
    "hostname": (
        "hostname, host name, computer name, computername, dns hostname, short name, rechnername, nom d hote, "
        "nom hote, nombre de host, nombre del host, nombre de equipo, nombre del equipo, nome host, nome dell "
        "host, hostnaam, computernaam, nome do host, nome de host"
    ),
    "fqdn": (
        "fqdn, fully qualified domain name, dns name, dns, full dns name, domain name, nom dns, nom de "
        "domaine complet, vollqualifizierter domanenname, dns name voll, nombre dns, nome dns, volledige "
        "domeinnaam, nome de dominio"
    ),
    "external_id": (
        "external id, externalid, id, asset id, ci id, vm id, machine id, instance id, object id, inventory "
        "id, custom server id, source id, unique id, record id, identifiant, kennung, id externo, "
        "identificativo, identificador, externe id"
    ),
    "bios_uuid": "bios uuid, smbios uuid, smbios id, bios id, bios guid, system uuid, uuid, hardware uuid",
    "serial_number": (
        "serial number, serial, serial no, sn, service tag, seriennummer, numero de serie, numero di serie, "
        "serienummer, numero serie"
    ),
    "asset_type": (
        "asset type, type, ci type, ci class, device type, asset class, category, sys class name, server "
        "role, typ, geratetyp, type d actif, type d equipement, tipo, tipo de activo, tipo di asset, soort, "
        "tipo de ativo"
    ),
    "ip_address": (
        "ip address, ip addresses, ip, ips, ip addr, primary ip, primary ip address, ip address list, ipv4, "
        "ipv4 address, ipv4 addresses, ipv6 address, private ip, management ip, adresse ip, adresses ip, ip "
        "adresse, ip adressen, direccion ip, direcciones ip, indirizzo ip, indirizzi ip, ip adres, endereco "
        "ip, enderecos ip"
    ),
    "mac_address": (
        "mac address, mac, mac addresses, physical address, hardware address, primary mac address, adresse "
        "mac, mac adresse, direccion mac, indirizzo mac, mac adres, endereco mac"
    ),
    "cpu_cores": (
        "cores, cpu cores, cpus, cpu, vcpu, vcpus, num cpu, number cpus, number cpu, cpu count, number cores, "
        "core count, processor cores, allocated cores, virtual cpus, vcpu count, allocated processor core "
        "count, kerne, cpu kerne, anzahl kerne, anzahl cpus, prozessorkerne, coeurs, nombre coeurs, nombre "
        "cpu, nucleos, numero nucleos, core, numero core, numero cpu, kernen, aantal kernen, aantal cpus, "
        "processadores virtuais"
    ),
    "cpu_sockets": (
        "sockets, cpu sockets, processors, number processors, physical cpus, physical processors, socket "
        "count, num sockets, sockel, prozessoren, anzahl prozessoren, processeurs, nombre processeurs, "
        "procesadores, processori, processoren, processadores"
    ),
    "cpu_logical": (
        "logical processors, logical cores, logical cpus, threads, number logical processors, hyperthreads, "
        "logische prozessoren, processeurs logiques, procesadores logicos, processori logici, logische "
        "processors, processadores logicos"
    ),
    "cpu_speed_mhz": (
        "cpu speed, clock speed, cpu frequency, cpu clock, processor speed, frequency, taktfrequenz, "
        "prozessortakt, frequence, vitesse processeur, velocidad cpu, frecuencia, frequenza, velocita cpu, "
        "kloksnelheid, velocidade cpu"
    ),
    "memory_mb": (
        "memory, ram, memory size, ram size, installed memory, allocated memory, memory total, mem, physical "
        "memory, memory configured, configured memory, arbeitsspeicher, speicher, hauptspeicher, ram grosse, "
        "memoire, memoire vive, memoire ram, memoria, memoria ram, geheugen, werkgeheugen, intern geheugen"
    ),
    "storage_gb": (
        "storage, disk, disk size, disk space, storage size, provisioned, provisioned storage, provisioned "
        "space, disk capacity, capacity, storage capacity, allocated storage, disk allocated, disks size, "
        "hdd, festplatte, speicherplatz, festplattenkapazitat, plattenplatz, stockage, espace disque, "
        "capacite disque, taille disque, disque, almacenamiento, espacio en disco, capacidad disco, disco, "
        "archiviazione, spazio su disco, capacita disco, opslag, schijfruimte, schijf, armazenamento, espaco "
        "em disco, capacidade disco"
    ),
    "storage_used_gb": (
        "storage used, used storage, disk used, used disk space, storage in use, in use, used space, consumed "
        "storage, disk used space, belegter speicher, genutzter speicher, belegt, stockage utilise, espace "
        "utilise, almacenamiento usado, espacio usado, spazio utilizzato, gebruikte opslag, armazenamento "
        "usado, espaco usado"
    ),
    "disk_count": (
        "disks, number disks, disk count, num disks, nb disks, anzahl festplatten, anzahl disks, nombre "
        "disques, nb disques, numero discos, numero dischi, aantal schijven"
    ),
    "cpu_util_avg_pct": (
        "cpu utilization, cpu utilisation, cpu usage, cpu util, cpu load, processor utilization, cpu "
        "auslastung, prozessorauslastung, utilisation cpu, utilisation processeur, uso cpu, utilizacion cpu, "
        "utilizzo cpu, cpu gebruik, utilizacao cpu"
    ),
    "memory_util_avg_pct": (
        "memory utilization, memory utilisation, memory usage, ram usage, ram utilization, mem util, memory "
        "load, speicherauslastung, arbeitsspeicherauslastung, utilisation memoire, uso memoria, utilizacion "
        "memoria, utilizzo memoria, geheugengebruik, utilizacao memoria"
    ),
    "memory_used_avg_mb": (
        "memory used, used memory, ram used, used ram, active memory, memory in use, consumed memory, memory "
        "consumed, ram used size, belegter arbeitsspeicher, memoire utilisee, memoria usada, memoria "
        "utilizzata, gebruikt geheugen"
    ),
    "disk_read_iops": (
        "disk read ops, disk reads ops, read ops, read iops, disk read iops, read operations, disk read "
        "operations, disk reads, disk read, reads, total disks read ops, disk read operations per sec"
    ),
    "disk_write_iops": (
        "disk write ops, disk writes ops, write ops, write iops, disk write iops, write operations, disk "
        "write operations, disk writes, disk write, writes, total disks write ops"
    ),
    "disk_read_kbps": "disk read throughput, read throughput, disk read rate, total disks read throughput",
    "disk_write_kbps": "disk write throughput, write throughput, disk write rate, total disks write throughput",
    "network_in_kbps": (
        "network in, network in throughput, network received, network reads, network rx, inbound network, net "
        "in, network inbound, network bytes received, netzwerk eingehend, reseau entrant, red entrada, rete "
        "in ingresso, netwerk inkomend"
    ),
    "network_out_kbps": (
        "network out, network out throughput, network sent, network writes, network tx, outbound network, net "
        "out, network outbound, network transmitted, network bytes sent, netzwerk ausgehend, reseau sortant, "
        "red salida, rete in uscita, netwerk uitgaand"
    ),
    "os_name": (
        "os, os name, operating system, operating system name, guest os, os according to vmware tools, os "
        "according to configuration file, guest operating system, betriebssystem, systeme d exploitation, "
        "systeme exploitation, sistema operativo, besturingssysteem, sistema operacional"
    ),
    "os_version": (
        "os version, operating system version, version, os release, os build, betriebssystemversion, version "
        "os, version du systeme, version systeme d exploitation, version sistema operativo, versione sistema "
        "operativo, versie besturingssysteem, versao sistema operacional"
    ),
    "os_family": (
        "os family, os type, ostype, platform, os platform, betriebssystemfamilie, famille os, type os, "
        "familia so, tipo so"
    ),
    "os_architecture": (
        "os architecture, architecture, arch, os arch, os bitness, bitness, os address width, architektur, "
        "arquitectura, architettura, architectuur, arquitetura"
    ),
    "is_virtual": (
        "virtual, is virtual, virtualized, virtualised, vm or physical, virtual or physical, physical or "
        "virtual, server type, virtuell, virtuel, virtuale, virtueel"
    ),
    "hypervisor": "hypervisor, virtualization platform, virtualisation platform, hyperviseur, hipervisor",
    "power_state": (
        "power state, powerstate, power status, vm state, running state, machine status, betriebszustand, "
        "energiezustand, etat alimentation, estado energia, stato alimentazione, energiestatus"
    ),
    "cluster": "cluster, vm cluster, esx cluster, cluster name, clustername, cluster esx",
    "physical_host": (
        "host, esx host, esxi host, hypervisor host, physical host, host server, parent host, hote physique, "
        "host fisico, fysieke host"
    ),
    "firmware": (
        "firmware, boot type, bios type, firmware type, boot mode, bios uefi, startmodus, type demarrage, "
        "tipo arranque, tipo avvio, opstarttype"
    ),
    "datacenter": (
        "datacenter, data center, data centre, datacentre, dc, rechenzentrum, centre donnees, centro datos, "
        "centro dati, datacentrum, centro dados"
    ),
    "location": (
        "location, site, city, region, hosting location, standort, ort, emplacement, localisation, ubicacion, "
        "posizione, ubicazione, locatie, vestiging, localizacao, local"
    ),
    "environment": (
        "environment, env, used for, usage, prod non prod, umgebung, environnement, entorno, ambiente, "
        "omgeving, environment type"
    ),
    "application": (
        "application, applications, app, apps, app name, application name, business application, business "
        "application name, service name, anwendung, anwendungen, applikation, appli, aplicacion, "
        "aplicaciones, applicazione, applicazioni, applicatie, applicaties, aplicacao, aplicacoes"
    ),
    "business_owner": (
        "business owner, owner, app owner, application owner, service owner, owned by, fachverantwortlicher, "
        "eigentumer, besitzer, verantwortlicher, proprietaire, responsable metier, propietario, responsable "
        "negocio, proprietario, responsabile business, eigenaar, responsavel negocio"
    ),
    "technical_owner": (
        "technical owner, tech owner, support group, assigned to, it owner, it owners, technical contact, "
        "administrator, admin, managed by, support team, technischer verantwortlicher, technischer "
        "ansprechpartner, betreuer, responsable technique, proprietaire technique, responsable tecnico, "
        "responsabile tecnico, technisch eigenaar, responsavel tecnico"
    ),
    "department": (
        "department, business unit, bu, division, org unit, organisational unit, organizational unit, "
        "abteilung, geschaftsbereich, departement, unite commerciale, departamento, unidad negocio, "
        "dipartimento, reparto, unita business, afdeling, bedrijfsonderdeel, unidade negocio"
    ),
    "criticality": (
        "criticality, business criticality, tier, dr tier, service tier, importance, kritikalitat, "
        "geschaftskritikalitat, criticite, criticidad, criticita, kriticiteit, criticidade, kritikalitaet"
    ),
    "cost_center": (
        "cost center, cost centre, costcenter, cost code, kostenstelle, centre cout, centre couts, centro "
        "costo, centro costos, centro coste, centro di costo, kostenplaats, centro custo"
    ),
    "monthly_cost": (
        "monthly cost, cost per month, monthly run cost, monthly price, cost month, monatliche kosten, kosten "
        "pro monat, cout mensuel, costo mensual, coste mensual, costo mensile, maandelijkse kosten, custo "
        "mensal"
    ),
    "tags": ("tags, tag, labels, label, tag info, taginfo, schlagworter, etiquettes, etiquetas, etichette, etiketten"),
    "migration_wave": (
        "wave, migration wave, application wave, move group, migration group, welle, migrationswelle, vague, "
        "vague migration, ola, ola migracion, ondata, migratiegolf, onda, onda migracao"
    ),
    "description": (
        "description, annotation, notes, note, comment, comments, remarks, short description, beschreibung, "
        "bemerkung, kommentar, notizen, commentaire, remarques, descripcion, comentarios, notas, descrizione, "
        "commenti, beschrijving, opmerkingen, descricao, observacoes"
    ),
    "status": (
        "status, install status, lifecycle status, state, lifecycle state, asset status, zustand, statut, "
        "etat, estado, stato, situacao"
    ),
    "dependencies": (
        "dependencies, depends on, dependency, upstream, abhangigkeiten, dependances, dependencias, "
        "dipendenze, afhankelijkheden"
    ),
}

# Headers that mean the opposite of the boolean field they name.
NEGATED_SYNONYMS: Final[dict[str, str]] = {
    "is_virtual": "is physical, isphysical, physical, bare metal, physisch, physique, fisico, fysiek",
}

APPLICATION_SYNONYMS: Final[dict[str, str]] = {
    "name": (
        "name, application, application name, app, app name, application title, system name, service name, "
        "anwendung, anwendungsname, nom, nom application, nom de l application, nombre, nombre aplicacion, "
        "nombre de la aplicacion, nome, nome applicazione, naam, applicatienaam, nome aplicacao, nome da "
        "aplicacao"
    ),
    "description": ASSET_SYNONYMS["description"],
    "app_type": (
        "application type, app type, type, sourcing, build type, custom or cots, anwendungstyp, type "
        "application, type d application, tipo aplicacion, tipo di applicazione, applicatietype, tipo "
        "aplicacao"
    ),
    "business_criticality": ASSET_SYNONYMS["criticality"],
    "lifecycle": (
        "lifecycle, lifecycle stage, life cycle, time, time category, investment strategy, disposition, "
        "lebenszyklus, cycle de vie, ciclo de vida, ciclo di vita, levenscyclus"
    ),
    "business_owner": ASSET_SYNONYMS["business_owner"],
    "technical_owner": ASSET_SYNONYMS["technical_owner"],
    "business_service": (
        "business service, service, business capability, capability, geschaftsdienst, geschaftsservice, "
        "service metier, servicio negocio, servizio business, bedrijfsdienst, servico negocio"
    ),
    "users": (
        "users, number users, user count, active users, nb users, benutzer, anzahl benutzer, nutzer, "
        "utilisateurs, nombre utilisateurs, usuarios, numero usuarios, utenti, numero utenti, gebruikers, "
        "aantal gebruikers"
    ),
    "languages": (
        "languages, language, programming language, programming languages, sprache, programmiersprache, "
        "langage, langages, lenguaje, lenguajes, linguaggio, linguaggi, programmeertaal, linguagem"
    ),
    "frameworks": "frameworks, framework, frameworks used",
    "databases": (
        "databases, database, db, dbms, datenbank, datenbanken, base donnees, bases donnees, base datos, "
        "bases datos, banca dati, banco dados"
    ),
    "middleware": (
        "middleware, app server, application server, runtime, web server, anwendungsserver, serveur "
        "application, servidor aplicaciones, applicatieserver, servidor aplicacao"
    ),
    "vendor": (
        "vendor, supplier, manufacturer, publisher, hersteller, anbieter, lieferant, editeur, fournisseur, "
        "proveedor, fabricante, fornitore, produttore, leverancier, fornecedor"
    ),
    "license_model": (
        "license model, licence model, licensing, license type, license, licence, lizenzmodell, lizenz, "
        "modele licence, modelo licencia, licencia, modello licenza, licentiemodel, modelo licenca"
    ),
    "data_classification": (
        "data classification, classification, data sensitivity, sensitivity, datenklassifizierung, "
        "schutzbedarf, classification donnees, clasificacion datos, classificazione dati, dataclassificatie, "
        "classificacao dados"
    ),
    "compliance": (
        "compliance, regulatory, regulations, regulatory requirements, conformite, cumplimiento, conformita, "
        "naleving, conformidade"
    ),
    "rto_hours": "rto, recovery time objective, rto hours",
    "rpo_minutes": "rpo, recovery point objective, rpo minutes",
    "annual_cost": (
        "annual cost, yearly cost, cost per year, annual run cost, tco, jahrliche kosten, jahreskosten, cout "
        "annuel, costo anual, coste anual, costo annuale, jaarlijkse kosten, custo anual"
    ),
    "servers": (
        "servers, server, hosts, server names, assets, vms, virtual machines, machines, runs on, hosted on, "
        "serveurs, servidores, server liste"
    ),
    "tags": ASSET_SYNONYMS["tags"],
}

CONNECTION_SYNONYMS: Final[dict[str, str]] = {
    "source": (
        "source, src, source ip, source host, source address, source server, from, client, origin, quelle, "
        "origen, origine, bron, origem"
    ),
    "target": (
        "destination, dest, dst, target, destination ip, dest ip, destination host, target host, to, "
        "destination address, ziel, cible, destino, destinazione, doel"
    ),
    "port": "port, destination port, dest port, dst port, target port, port number, puerto, porta",
    "protocol": "protocol, proto, ip protocol, transport, protokoll, protocole, protocolo",
}

SYNONYMS_BY_KIND: Final[dict[Kind, dict[str, str]]] = {
    "assets": ASSET_SYNONYMS,
    "applications": APPLICATION_SYNONYMS,
    "connections": CONNECTION_SYNONYMS,
}


@dataclass(frozen=True, slots=True)
class Synonym:
    field: str
    phrase: str
    words: frozenset[str]
    negate: bool = False


@dataclass(frozen=True, slots=True)
class SynonymIndex:
    kind: Kind
    # By base key (headers.analyse(...).base_key): "memory" for "Memory (GB)".
    by_key: dict[str, Synonym]
    # Squashed canonical field names ("memorymb"), matched against a header's whole key.
    field_names: dict[str, str]
    synonyms: tuple[Synonym, ...]


def _phrases(text: str) -> list[str]:
    return [p.strip() for p in text.split(",") if p.strip()]


def _build(kind: Kind) -> SynonymIndex:
    fields = FIELDS_BY_KIND[kind]
    by_key: dict[str, Synonym] = {}
    entries = [(f, p, False) for f, phrases in SYNONYMS_BY_KIND[kind].items() for p in _phrases(phrases)]
    if kind == "assets":
        entries += [(f, p, True) for f, phrases in NEGATED_SYNONYMS.items() for p in _phrases(phrases)]
    for field, phrase, negate in entries:
        if field not in fields:
            raise ValueError(f"synonym {phrase!r} names {field!r}, not a field of {kind}")
        info = analyse(phrase)
        synonym = Synonym(field, phrase, frozenset(info.base), negate)
        existing = by_key.get(info.base_key)
        if existing is not None and (existing.field, existing.negate) != (field, negate):
            raise ValueError(f"{kind} synonym {phrase!r} means both {existing.field} and {field}")
        by_key.setdefault(info.base_key, synonym)
    field_names = {analyse(name).key: name for name in fields}
    return SynonymIndex(kind, by_key, field_names, tuple(by_key.values()))


INDEXES: Final[dict[Kind, SynonymIndex]] = {kind: _build(kind) for kind in KINDS}
