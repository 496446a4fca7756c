targetScope = 'resourceGroup'
@secure()
param secret string
param pools array = [
  { name: 'sys', count: 3, mode: 'System' }
]
param enable bool = true
var name = 'aks-${uniqueString(resourceGroup().id)}'
resource aks 'Microsoft.ContainerService/managedClusters@2024-05-01' = if (enable) {
  name: name
  location: resourceGroup().location
  identity: { type: 'SystemAssigned' }
  properties: {
    enableRBAC: !empty(secret) ? true : false
    agentPoolProfiles: [for (p, i) in pools: {
      name: p.name
      count: p.?count ?? 1
      mode: p.mode
    }]
    addonProfiles: {
      omsagent: { enabled: true, config: { id: law.id } }
    }
  }
  resource np 'agentPools' = {
    name: 'user'
    properties: { count: 2 }
  }
}
resource law 'Microsoft.OperationalInsights/workspaces@2022-10-01' existing = {
  name: 'law'
}
resource diag 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'd'
  scope: aks
  properties: {
    logs: [ { category: 'kube-audit-admin', enabled: true } ]
  }
}
module m './mod.bicep' = [for i in range(0, 2): {
  name: 'm${i}'
  params: { x: filter(pools, p => p.count > i) }
}]
output fqdn string = aks.properties.fqdn
func double(x int) int => x * 2
'''
multi ${not}
'''
