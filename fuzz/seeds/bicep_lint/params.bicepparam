using './main.bicep'
param secret = getSecret('sub', 'rg', 'kv', 'name')
param enable = false
param pools = [ { name: 'a', count: 1 } ]
