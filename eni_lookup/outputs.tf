output "ips" {
  description = "Private IPv4 addresses of the endpoint's ENIs, ordered by ENI id."
  value       = data.aws_network_interface.this[*].private_ip
}

output "network_interfaces" {
  description = "Per-ENI details ordered by ENI id: id, private_ip, subnet_id and availability_zone."
  value = [
    for eni in data.aws_network_interface.this : {
      id                = eni.id
      private_ip        = eni.private_ip
      subnet_id         = eni.subnet_id
      availability_zone = eni.availability_zone
    }
  ]
}
