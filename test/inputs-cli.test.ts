/**
 * Issue 20, items 1-3: the configs users have, read by `tagwall check` and the analysis commands without hand
 * edits — a compiled quickstart template with its parameters file, AzureTRE-style Terraform (HCL, plan, state),
 * an AVM-style NSG module, Bicep, az output as it comes — and tagwall's own Bicep and Terraform read back from
 * their text. The fixtures run through the built bin (dist/cli.js) as users run it; readers that disagree with
 * each other on the same config fail `equiv`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { expandedResolver } from '../src/analysis/resolve.js';
import { loadScenario, type ScenarioId } from '../src/catalogue/index.js';
import { defaultSnapshot } from '../src/servicetags/snapshot.js';
import { findTarget } from '../src/targets/registry.js';
import { tagwall, type CliResult } from './support/cli.js';

const BIN = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const F = 'fixtures/inputs';
const QUICKSTART: [string, string, string] = [`${F}/arm-aml-quickstart/azuredeploy.json`, '--parameters', `${F}/arm-aml-quickstart/azuredeploy.parameters.json`];

/** The built bin when there is one (`npm run build`), else the same CLI in-process: the assertions are the same. */
const built = existsSync(BIN);
function cli(...argv: string[]): CliResult {
  if (!built) return tagwall(...argv);
  const result = spawnSync(process.execPath, [BIN, ...argv], { encoding: 'utf8' });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** A check that ran: 0 or 1, and nothing on stderr but notes. */
function expectChecked(result: CliResult): void {
  expect(result.code, result.stderr).toBeLessThan(2);
  expect(result.stderr.split('\n').filter((line) => line !== '' && !line.startsWith('tagwall: note: '))).toEqual([]);
}

describe(`the fixtures through ${built ? 'dist/cli.js' : 'the CLI in-process (dist/cli.js not built)'}`, () => {
  it.each([
    ['compiled quickstart NSG + parameters file', ['--target', 'nsg', '--config', ...QUICKSTART, '--scenario', 'compute-no-public-ip', '--region', 'westeurope']],
    ['the same template, location from --region', ['--target', 'nsg', '--config', QUICKSTART[0]!, '--scenario', 'compute-no-public-ip', '--region', 'westeurope']],
    ['hand-written Bicep', ['--target', 'nsg', '--config', `${F}/bicep/nsg.bicep`, '--param', 'nsgName=nsg-1', '--scenario', 'compute-no-public-ip', '--region', 'westeurope']],
    ['AzureTRE-style HCL', ['--target', 'azure-firewall', '--config', `${F}/terraform-tre-firewall/main.tf`, '--scenario', 'firewall-outbound', '--region', 'uksouth']],
    ['AzureTRE-style plan', ['--target', 'azure-firewall', '--config', `${F}/terraform-tre-firewall/plan.json`, '--scenario', 'firewall-outbound', '--region', 'uksouth']],
    ['AzureTRE-style state', ['--target', 'azure-firewall', '--config', `${F}/terraform-tre-firewall/state.json`, '--scenario', 'firewall-outbound', '--region', 'uksouth']],
    ['AVM-style NSG module (HCL)', ['--target', 'nsg', '--config', `${F}/terraform-avm-nsg/main.tf`, '--scenario', 'compute-no-public-ip', '--region', 'eastus2']],
    ['AVM-style NSG module (state)', ['--target', 'nsg', '--config', `${F}/terraform-avm-nsg/state.json`, '--scenario', 'compute-no-public-ip', '--region', 'eastus2']],
    ['az network nsg rule list', ['--target', 'nsg', '--config', `${F}/az/nsg-rule-list.json`, '--scenario', 'compute-no-public-ip', '--region', 'westeurope']],
    ['az rule-collection-group show + ip-group list (directory)', ['--target', 'azure-firewall', '--config', `${F}/az/rcg-show.json`, '--ip-groups', `${F}/az/ip-groups`, '--scenario', 'firewall-outbound', '--region', 'westeurope']],
    ['az rule-collection-group list + ip-group list (file)', ['--target', 'azure-firewall', '--config', `${F}/az/rcg-list.json`, '--ip-groups', `${F}/az/ip-groups/ip-group-list.json`, '--scenario', 'firewall-outbound', '--region', 'westeurope']],
    ['az network firewall show (classic collections)', ['--target', 'azure-firewall-classic', '--config', `${F}/az/firewall-show.json`, '--scenario', 'firewall-outbound', '--region', 'westeurope']],
    ['az network route-table show', ['--target', 'udr', '--config', `${F}/az/route-table-show.json`, '--scenario', 'inbound-udr', '--region', 'westeurope']],
    ['az ml workspace outbound-rule list', ['--target', 'aml-managed-network', '--config', `${F}/az/outbound-rule-list.json`, '--scenario', 'serverless', '--region', 'westeurope']],
  ])('check reads %s', (_name, args) => {
    expectChecked(cli('check', ...args));
  });

  it('reads one config the same whatever form it comes in (equiv exit 0), and tells different configs apart (exit 1)', () => {
    const same: Array<[string, string, ...string[]]> = [
      [`${F}/terraform-tre-firewall/main.tf`, `${F}/terraform-tre-firewall/plan.json`],
      [`${F}/terraform-tre-firewall/plan.json`, `${F}/terraform-tre-firewall/state.json`],
      [`${F}/terraform-avm-nsg/main.tf`, `${F}/terraform-avm-nsg/state.json`],
      [`${F}/bicep/nsg.bicep`, ...QUICKSTART],
      [`arm:${QUICKSTART[0]}`, `bicep:${F}/bicep/nsg.bicep`, '--region', 'westeurope'],
    ];
    for (const [a, b, ...flags] of same) {
      const result = cli('equiv', a, b, ...flags);
      expect(result.code, `${a} ${b}: ${result.stdout}${result.stderr}`).toBe(0);
    }
    const different = cli('equiv', `${F}/az/nsg-rule-list.json`, ...QUICKSTART);
    expect(different.code, different.stderr).toBe(1);
  });

  it('names the kind a file is when it is given where it does not belong', () => {
    const cases: Array<[string[], RegExp]> = [
      [['shadowed', `${F}/arm-aml-quickstart/azuredeploy.parameters.json`], /this is an ARM parameters file, not a template: pass the template as the config and this file with --parameters FILE/],
      [['shadowed', `iptables:${F}/terraform-tre-firewall/plan.json`], /this is a Terraform plan \(terraform show -json PLAN\), which only the Azure targets read .*; pass it as terraform:/],
      [['shadowed', `bicep:${F}/terraform-tre-firewall/plan.json`], /this is a Terraform plan \(terraform show -json PLAN\), not bicep; pass it as terraform:/],
      [['check', '--target', 'nsg', '--config', `${F}/terraform-tre-firewall/main.tf`, '--scenario', 'firewall-outbound', '--region', 'uksouth'], /holding azure-firewall resources, none for nsg; use --target azure-firewall/],
      [['shadowed', `${F}/arm-aml-quickstart/azuredeploy.json`], /azuredeploy\.json: \$\.resources\[0\]\.properties\.securityRules\[5\]\.properties\.destinationAddressPrefix: cannot read this value: resourceGroup\(\)\.location is the deployment's region: pass --region/],
      [['shadowed', `${F}/bicep/nsg-loop.bicep`], /nsg-loop\.bicep:12:20: .*a for loop is beyond the literal Bicep tagwall reads; compile it with `bicep build FILE`/],
      [['shadowed', `${F}/az/rcg-show.json`], /rcg-show\.json: \$\.ruleCollections\[0\]\.rules\[0\]\.sourceIpGroups\[0\]: IP Group 'ipg-aml-compute' is not defined .*--ip-groups/],
    ];
    for (const [argv, message] of cases) {
      const result = cli(...argv);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.stderr, argv.join(' ')).toMatch(message);
      expect(result.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    }
  });

  it('points a rule and an error of an HCL file at its line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tw-inputs-'));
    const file = join(dir, 'routes.tf');
    writeFileSync(file, 'resource "azurerm_route_table" "rt" {\n  name = "rt"\n\n  route {\n    name           = "bad"\n    address_prefix = "10.0.0.0/33"\n    next_hop_type  = "Internet"\n  }\n}\n');
    const result = cli('shadowed', file);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file}:4:3: `);
    const variable = cli('shadowed', file.replace('routes.tf', 'missing.tf'));
    expect(variable.code).toBe(2);
  });
});

describe("tagwall's own Bicep and Terraform check exactly as its ARM does (read from their text)", () => {
  const snapshot = defaultSnapshot('Public');
  const cases: Array<[string, ScenarioId]> = [
    ['nsg', 'compute-no-public-ip'],
    ['azure-firewall', 'firewall-outbound'],
    ['azure-firewall-classic', 'firewall-outbound'],
    ['udr', 'inbound-udr'],
    ['aml-managed-network', 'serverless'],
  ];
  it.each(cases)('%s %s', (targetId, scenario) => {
    const target = findTarget(targetId);
    const requirements = loadScenario(scenario, { region: 'westus', cloud: 'Public' });
    const dir = mkdtempSync(join(tmpdir(), `tw-own-${targetId}-`));
    const outputs = ['arm', 'bicep', 'terraform'].map((format) => {
      const [artifact] = target.translate(requirements, { snapshot, resolver: expandedResolver(snapshot), options: { format } }).artifacts;
      const file = join(dir, artifact!.name);
      writeFileSync(file, artifact!.content);
      const result = tagwall('check', '--target', targetId, '--config', file, '--scenario', scenario, '--region', 'westus', '--json');
      expect(result.code, result.stderr).toBeLessThan(2);
      // A rule's line is where each format writes it (the readers point into the Bicep/HCL text): compared apart.
      return result.stdout.split(file).join('CONFIG').replace(/"line": \d+/g, '"line": N');
    });
    expect(outputs[1]).toBe(outputs[0]);
    expect(outputs[2]).toBe(outputs[0]);
  });
});

describe('docs/inputs.md', () => {
  const page = readFileSync('docs/inputs.md', 'utf8');
  const commands = [...page.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((block) => block[1]!.split('\n').filter((line) => line.startsWith('tagwall ')));
  it('has an example for every input kind', () => {
    expect(commands.length).toBeGreaterThanOrEqual(10);
    for (const kind of ['arm-aml-quickstart', 'bicep/', 'plan.json', 'main.tf', 'az/']) expect(commands.some((command) => command.includes(kind)), kind).toBe(true);
  });
  it.each(commands)('%s runs', (command) => {
    expectChecked(tagwall(...command.slice('tagwall '.length).split(/\s+/)));
  });
});

describe('an operand that is neither requirements nor a known config', () => {
  it('says which config kinds were looked for', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tw-unknown-'));
    const file = join(dir, 'notes.txt');
    writeFileSync(file, 'just some notes\n');
    const result = tagwall('shadowed', file);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/nor is it a config tagwall recognises: it looked for a Terraform plan or state .*Terraform HCL, an ARM template, Bicep, az output/);
  });
});

describe('--select', () => {
  it('reads one NSG out of a configuration that holds several, and lists the names when the one asked for is not there', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tw-select-'));
    const file = join(dir, 'nsgs.tf');
    const nsg = (name: string, port: string): string =>
      `resource "azurerm_network_security_group" "${name}" {\n  name = "${name}"\n  security_rule {\n    name                       = "allow"\n    priority                   = 100\n    direction                  = "Inbound"\n    access                     = "Allow"\n    protocol                   = "Tcp"\n    source_port_range          = "*"\n    destination_port_range     = "${port}"\n    source_address_prefix      = "VirtualNetwork"\n    destination_address_prefix = "*"\n  }\n}\n`;
    writeFileSync(file, nsg('web', '443') + nsg('db', '1433'));
    const both = tagwall('shadowed', file);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/more than one network security group/);
    const web = tagwall('eval', file, '--select', 'web', '--packet', 'in tcp 10.0.0.1:50000 -> 10.0.0.2:443');
    expect(web.stdout).toMatch(/allow by rule allow at .*nsgs\.tf:3/);
    const db = tagwall('eval', file, '--select', 'db', '--packet', 'in tcp 10.0.0.1:50000 -> 10.0.0.2:443');
    expect(db.stdout).toMatch(/allow by rule AllowVnetInBound/); // not db's own rule: 443 is web's
    const missing = tagwall('shadowed', file, '--select', 'app');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--select app: no network security group, .* \(the document has web, db\)/);
  });
});

describe('a Terraform configuration split over files', () => {
  it('reads the directory of the file given, as Terraform does', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tw-split-'));
    const whole = readFileSync(`${F}/terraform-tre-firewall/main.tf`, 'utf8');
    const start = whole.indexOf('resource "azurerm_firewall_policy_rule_collection_group"');
    writeFileSync(join(dir, 'ipgroups.tf'), whole.slice(0, start));
    writeFileSync(join(dir, 'rules.tf'), whole.slice(start));
    writeFileSync(join(dir, 'terraform.tfvars'), readFileSync(`${F}/terraform-tre-firewall/terraform.tfvars`, 'utf8'));
    const result = tagwall('equiv', join(dir, 'rules.tf'), `${F}/terraform-tre-firewall/main.tf`);
    expect(result.code, result.stdout + result.stderr).toBe(0);
  });
});

describe('--ip-groups DIR', () => {
  it('takes the IP Groups out of a directory of az output and skips the rest', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tw-az-'));
    for (const name of ['rcg-show.json', 'route-table-show.json']) writeFileSync(join(dir, name), readFileSync(`${F}/az/${name}`, 'utf8'));
    writeFileSync(join(dir, 'ip-group-list.json'), readFileSync(`${F}/az/ip-groups/ip-group-list.json`, 'utf8'));
    const result = tagwall('eval', join(dir, 'rcg-show.json'), '--ip-groups', dir, '--packet', 'out tcp 10.20.9.4:50000 -> 10.20.1.5:22');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/allow by rule aml-network\/jumpbox-ssh/);
    const outside = tagwall('eval', join(dir, 'rcg-show.json'), '--ip-groups', dir, '--packet', 'out tcp 10.20.9.5:50000 -> 10.20.1.5:22');
    expect(outside.stdout).toMatch(/deny by the default action/);
  });
});
